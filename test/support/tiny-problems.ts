/** Small scheduling problems with made-up but plausible durations, for the solver tests. */
import type { ScheduleProblem } from "../../planner/schedule/problem.js";

/**
 * A three-group chain QKV (compute) → attention (memory) → O (compute) on a 32-SM GPU. GEMM time
 * scales with tokens over SMs; attention saturates memory bandwidth at `saturation` SMs.
 */
export function tinyProblem(seed: number, granules = 4): ScheduleProblem {
  const random = mulberry32(seed);
  const work = [20 + 60 * random(), 30 + 90 * random(), 20 + 60 * random()];
  const saturation = 8 + Math.floor(16 * random());
  return {
    sms: 32,
    granules,
    groups: [
      { id: "q", stream: "compute" },
      { id: "a", stream: "memory" },
      { id: "o", stream: "compute" },
    ],
    edges: [
      { from: 0, to: 1 },
      { from: 1, to: 2 },
    ],
    partitionShares: { compute: [16, 24], network: [] },
    minRemainderSms: 8,
    durationUs: (group, size, sms) => {
      const perGranule = work[group]!;
      const speed = group === 1 ? Math.min(1, sms / saturation) : sms / 32;
      return Math.round((2 + (perGranule * size) / speed) * 1000) / 1000;
    },
  };
}

/**
 * tinyProblem with its memory op stretched, in the split, by each compute op that runs in the split
 * with it (as attention beside element-wise kernels: ScheduleProblem.durationUs, splitGroups).
 */
export function tinyProblemWithStretch(seed: number, granules = 4): ScheduleProblem {
  const problem = tinyProblem(seed, granules);
  const random = mulberry32(seed + 1000);
  const stretchPerGranule = problem.groups.map((g) => (g.stream === "compute" ? 5 + 20 * random() : 0));
  return {
    ...problem,
    durationUs: (group, size, sms, placement) => {
      const base = problem.durationUs(group, size, sms, placement);
      if (problem.groups[group]!.stream !== "memory" || !placement?.split) return base;
      const beside = new Set(placement.splitGroups ?? []);
      return base + stretchPerGranule.reduce((sum, perGranule, g) => sum + (beside.has(g) ? perGranule * size : 0), 0);
    },
  };
}

function mulberry32(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
