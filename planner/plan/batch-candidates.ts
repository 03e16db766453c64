/**
 * The dense batches `--batch best` plans and compares by predicted tokens/s per GPU: the largest
 * whose KV cache fits and, for each nano-batch count, the largest below it that the count cuts into
 * equal nano-batches. A plan's nano-batches all keep the largest one's slot in the timetable
 * (docs/milp.md, modulo schedules), so a batch no count divides evenly pays for rows it does not
 * have: Llama-3-8B on one H200 at context 1024 fits 896 tokens, planned as 256 + 256 + 256 + 128 at
 * 20,657 tokens/s, where 768 tokens as 384 + 384 are predicted 23,299.
 */

/** Candidate batch sizes in tokens, largest first, each a multiple of the granule. */
export function candidateBatches(largest: number, granule: number, maxNanoBatches: number): number[] {
  const sizes = new Set([largest]);
  for (let count = 2; count <= maxNanoBatches; count++) {
    const step = count * granule;
    const even = Math.floor(largest / step) * step;
    if (even > 0) sizes.add(even);
  }
  return [...sizes].sort((a, b) => b - a);
}
