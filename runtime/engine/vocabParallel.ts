/**
 * The LM head is vocabulary-parallel: rank r computes the logits of its shard of vocabulary rows
 * (model/vocabSplit.ts: the last rank's padded with zero rows) and argmaxes its real rows on its GPU.
 * The ranks' (max, index) pairs, a few bytes a request, are gathered to the host, which keeps the
 * largest (ties: the lowest rank, hence the lowest token id, as torch.argmax on the whole row). No
 * all-gather collective is needed for so little data, and the iteration's GPU work stays the same
 * on every rank.
 */
import { realVocabRows, vocabBegin, type VocabSplit } from "../model/vocabSplit.js";

/** One rank's argmax of its vocabulary shard: local token ids and their logits, one per request. */
export interface ArgmaxCandidates {
  ids: Int32Array;
  maxima: Float32Array;
}

/** The greedy next token of each request over the whole vocabulary, from every rank's candidates (rank order). */
export function combineVocabArgmax(ranks: readonly ArgmaxCandidates[], split: VocabSplit): Int32Array {
  if (ranks.length !== split.ranks) throw new RangeError(`Expected argmax candidates from ${split.ranks} ranks but received ${ranks.length}`);
  const requests = ranks[0]!.ids.length;
  const tokens = new Int32Array(requests);
  for (let request = 0; request < requests; request++) {
    let best = -Infinity;
    let bestRank = 0;
    ranks.forEach((candidates, rank) => {
      const value = candidates.maxima[request]!;
      if (value > best) {
        best = value;
        bestRank = rank;
      }
    });
    const id = ranks[bestRank]!.ids[request]!;
    // A padding row can only win where the argmax was told the padded width instead of the real rows.
    if (id >= realVocabRows(split, bestRank)) throw new RangeError(`request ${request}: rank ${bestRank}'s argmax chose row ${id}, past its ${realVocabRows(split, bestRank)} real vocabulary rows`);
    tokens[request] = vocabBegin(split, bestRank) + id;
  }
  return tokens;
}

/** [requests, shard] logits of each rank (padding included) into [requests, vocab]: every rank's real rows side by side. */
export function gatherVocabLogits(ranks: readonly Float32Array[], requests: number, split: VocabSplit): Float32Array {
  if (ranks.length !== split.ranks) throw new RangeError(`Expected logits from ${split.ranks} ranks but received ${ranks.length}`);
  if (ranks.length === 1) return ranks[0]!;
  const { vocab, shard } = split;
  const logits = new Float32Array(requests * vocab);
  ranks.forEach((slice, rank) => {
    const real = realVocabRows(split, rank);
    for (let request = 0; request < requests; request++) logits.set(slice.subarray(request * shard, request * shard + real), request * vocab + vocabBegin(split, rank));
  });
  return logits;
}
