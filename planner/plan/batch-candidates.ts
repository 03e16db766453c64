/**
 * The dense batches `--batch best` plans and compares by predicted tokens/s per GPU: the largest
 * whose KV cache fits and, for each nano-batch count, the largest below it that the count cuts into
 * equal nano-batches. A plan's nano-batches all keep the largest one's slot in the timetable
 * (docs/milp.md, modulo schedules), so a batch no count divides evenly pays for rows it does not
 * have: Llama-3-8B on one H200 at context 1024 fits 896 tokens, planned as 256 + 256 + 256 + 128 at
 * 20,657 tokens/s, where 768 tokens as 384 + 384 are predicted 23,331.
 */
import type { Plan } from "./schema.js";

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

/**
 * Plans each size in turn, largest first (its figures are what --batch auto gives, and a tie keeps
 * the larger batch), each told the most tokens/s per GPU so far so its search skips what cannot beat
 * it; returns the plan with the most, listing every size in `batch.candidates`.
 */
export async function planBestBatch(
  sizes: readonly number[],
  planSize: (tokens: number, toBeat: number | undefined) => Promise<Plan>,
  onProgress?: (message: string) => void,
): Promise<Plan> {
  const plans: { plan: Plan; beaten: boolean }[] = [];
  let bestRate = 0;
  for (const [index, tokens] of sizes.entries()) {
    onProgress?.(`dense batch ${tokens} tokens (${index + 1} of ${sizes.length}):`);
    const plan = await planSize(tokens, index === 0 ? undefined : bestRate);
    const rate = plan.prediction.tokensPerSecondPerGpu;
    plans.push({ plan, beaten: index > 0 && rate <= bestRate });
    bestRate = Math.max(bestRate, rate);
  }
  const best = plans.find(({ plan }) => plan.prediction.tokensPerSecondPerGpu === bestRate)!.plan;
  best.batch.candidates = plans.map(({ plan, beaten }) => ({
    tokens: plan.batch.tokens,
    status: beaten ? "no_better" : plan.solver.status,
    nanoBatches: beaten ? null : plan.nanoBatches.length,
    layerUs: beaten ? null : plan.prediction.layerUs,
    tokensPerSecondPerGpu: beaten ? null : plan.prediction.tokensPerSecondPerGpu,
  }));
  return best;
}
