/**
 * The LM head is vocabulary-parallel: rank r computes the logits of vocabulary rows
 * [r·shard, (r+1)·shard) and argmaxes them on its GPU. The ranks' (max, index) pairs, a few bytes
 * a request, are gathered to the host, which keeps the largest (ties: the lowest rank, hence the
 * lowest token id, as torch.argmax on the whole row). No all-gather collective is needed for so
 * little data, and the iteration's GPU work stays the same on every rank.
 */

/** One rank's argmax of its vocabulary shard: local token ids and their logits, one per request. */
export interface ArgmaxCandidates {
  ids: Int32Array;
  maxima: Float32Array;
}

/** The greedy next token of each request over the whole vocabulary, from every rank's candidates (rank order). */
export function combineVocabArgmax(ranks: readonly ArgmaxCandidates[], vocabShard: number): Int32Array {
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
    tokens[request] = bestRank * vocabShard + ranks[bestRank]!.ids[request]!;
  }
  return tokens;
}

/** [requests, vocabShard] logits of each rank into [requests, ranks·vocabShard]. */
export function gatherVocabLogits(ranks: readonly Float32Array[], requests: number, vocabShard: number): Float32Array {
  if (ranks.length === 1) return ranks[0]!;
  const vocab = ranks.length * vocabShard;
  const logits = new Float32Array(requests * vocab);
  ranks.forEach((slice, rank) => {
    for (let request = 0; request < requests; request++) logits.set(slice.subarray(request * vocabShard, (request + 1) * vocabShard), request * vocab + rank * vocabShard);
  });
  return logits;
}
