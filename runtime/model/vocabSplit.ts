/**
 * How the vocabulary-parallel embedding and LM head split a vocabulary over tensor-parallel ranks:
 * every rank holds shard = ceil(vocab / ranks) rows, so every rank runs the same GEMM; rank r's
 * real rows are the tokens [r·shard, min(vocab, (r+1)·shard)), and where the vocabulary does not
 * divide by the ranks the last rank fills the rest of its shard (fewer than `ranks` rows) with zero
 * rows. A token's rank is floor(token / shard), its local id token − rank·shard.
 */

export interface VocabSplit {
  /** The whole model's vocabulary. */
  vocab: number;
  ranks: number;
  /** Rows every rank holds, padding included: the LM-head GEMM's width and the logits' row stride. */
  shard: number;
}

export function splitVocab(vocab: number, ranks: number): VocabSplit {
  if (!Number.isInteger(vocab) || vocab < 1) throw new RangeError(`Expected a positive integer vocabulary but received ${vocab}`);
  if (!Number.isInteger(ranks) || ranks < 1) throw new RangeError(`Expected a positive integer number of ranks but received ${ranks}`);
  const shard = Math.ceil(vocab / ranks);
  // Only vocabularies below ranks squared get here; refusing them keeps the padding on the last rank alone.
  if (shard * (ranks - 1) >= vocab) throw new RangeError(`a vocabulary of ${vocab} over ${ranks} ranks at ${shard} rows each leaves the last rank no rows`);
  return { vocab, ranks, shard };
}

/** The first token id of rank's shard. */
export function vocabBegin(split: VocabSplit, rank: number): number {
  return rank * split.shard;
}

/** Rank's real rows: its shard less the zero padding. */
export function realVocabRows(split: VocabSplit, rank: number): number {
  return Math.min(split.shard, split.vocab - vocabBegin(split, rank));
}
