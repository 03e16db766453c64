/**
 * Finds the best steady-state schedule: the sequential one, or a pipelined one from the MILP at
 * each nano-batch count. Counts are tried in order of a cheap lower bound (with HiGHS several at
 * once, one worker thread each), each MILP is told to beat the best period found so far (full
 * MILPs take turns in slices, so a long proof does not hold a solver while another count finds a
 * better period), and a count whose bound cannot beat it is skipped; so the result is optimal over
 * every count, within the gap asked for.
 */
import { InputError, SolverError } from "../errors.js";
import { availableParallelism } from "node:os";
import { createSolver, type MilpSolver } from "../milp/solve.js";
import type { SolverBackendName } from "../milp/solution.js";
import { formulatePipeline } from "./formulation.js";
import { candidateLayouts, layersTimeUs, nanoBatchSizes, sequentialSchedule, type Schedule, type ScheduleProblem } from "./problem.js";
import { retimeSchedule } from "./retime.js";

/** A forced nano-batch count's period is sought below this many sequential periods. */
const FORCED_CUTOFF_FACTOR = 4;
/** HiGHS workers at most: the search has at most a handful of counts to solve at once. */
const MAX_PARALLEL_SOLVES = 4;
/** The shortest slice a full solve is given before it goes back in the queue. */
const MIN_SLICE_SECONDS = 1;

/**
 * A full solve's slice while no pipelined period is known: the time left shared among the counts
 * waiting and those being solved, at least MIN_SLICE_SECONDS, doubled for each turn the count has
 * already had (so a count that needs a long proof gets it in a few turns).
 */
export function sliceSeconds({ remainingSeconds, solvers, queued, turns }: { remainingSeconds: number; solvers: number; queued: number; turns: number }): number {
  const share = (remainingSeconds * solvers) / (queued + solvers);
  return Math.max(MIN_SLICE_SECONDS, share) * 2 ** turns;
}

function parallelSolves(): number {
  return Math.max(1, Math.min(MAX_PARALLEL_SOLVES, availableParallelism()));
}

export interface SearchOptions {
  backend: SolverBackendName;
  /** For the whole search. */
  timeLimitSeconds: number;
  relativeGap: number;
  maxNanoBatches: number;
  /** Plan exactly this many nano-batches (experiments, tests) instead of the best count. */
  nanoBatches?: number | undefined;
  /** Layers per iteration: with few, filling and draining the pipeline can cost more than it gains. */
  layers: number;
  /** A period to beat from elsewhere (another dense batch's plan): counts whose bound cannot beat it are not solved. */
  cutoffUs?: number | undefined;
  onProgress?: (message: string) => void;
}

export type CountStatus = "optimal" | "time_limit" | "no_better" | "sequential" | "not_divisible";

export interface CountResult {
  count: number;
  status: CountStatus;
  periodUs: number | null;
  /** Lower bound on the period at this count; null where nothing bounds it. */
  boundUs: number | null;
  seconds: number;
}

export interface SearchResult {
  /** The schedule with the least period, the MILP's objective. */
  bestPeriod: Schedule;
  /**
   * The schedule to run: bestPeriod timed with each nano-batch's own durations (retime.ts), or
   * sequential where over so few layers filling and draining the pipeline costs more than it saves.
   */
  best: Schedule;
  sequential: Schedule;
  counts: CountResult[];
  status: "optimal" | "time_limit";
  boundUs: number;
  gap: number;
  seconds: number;
}

export async function searchSchedule(problem: ScheduleProblem, options: SearchOptions): Promise<SearchResult> {
  const started = performance.now();
  const elapsed = (): number => (performance.now() - started) / 1000;
  const sequential = sequentialSchedule(problem);
  const forced = options.nanoBatches;
  if (forced !== undefined && (forced < 2 || !nanoBatchSizes(problem.granules, forced))) {
    throw new InputError(`--nano-batches ${forced}: cannot cut ${problem.granules} granules into that many non-empty nano-batches of equal size`, "--nano-batches");
  }
  // A forced count need not beat the sequential schedule, only exist: its cutoff is loose.
  let best: Schedule | undefined = forced === undefined ? sequential : undefined;
  const cutoff = (): number => Math.min(best?.periodUs ?? FORCED_CUTOFF_FACTOR * sequential.periodUs, options.cutoffUs ?? Infinity);
  const counts: CountResult[] = [{ count: 1, status: "sequential", periodUs: sequential.periodUs, boundUs: sequential.periodUs, seconds: 0 }];
  const candidates: { count: number; bound: number }[] = [];
  for (let K = forced ?? 2; K <= (forced ?? options.maxNanoBatches); K++) {
    if (!nanoBatchSizes(problem.granules, K)) {
      counts.push({ count: K, status: "not_divisible", periodUs: null, boundUs: null, seconds: 0 });
    } else {
      candidates.push({ count: K, bound: loadBound(problem, K) });
    }
  }
  candidates.sort((a, b) => a.bound - b.bound);

  // HiGHS solves in worker threads, so counts can be solved side by side, one per core: the best
  // count is often not the first by bound, and its period then cuts the others short.
  const solvers = Array.from({ length: options.backend === "highs" ? parallelSolves() : 1 }, () => createSolver(options.backend));
  const results = new Map<number, CountResult>();
  let timedOut = false;
  /** Solves one count for at most `sliceLimitSeconds`; false when the slice ran out before it was proven. */
  const tryCount = async (solver: MilpSolver, { count, bound }: { count: number; bound: number }, allowWholeGpu: boolean, sliceLimitSeconds = Infinity): Promise<boolean> => {
    const t0 = elapsed();
    const previous = results.get(count);
    if (bound >= cutoff() * (1 - options.relativeGap)) {
      results.set(count, { count, status: "no_better", periodUs: previous?.periodUs ?? null, boundUs: bound, seconds: previous?.seconds ?? 0 });
      return true;
    }
    const remaining = options.timeLimitSeconds - t0;
    if (remaining <= 0.05) {
      timedOut = true;
      results.set(count, previous ?? { count, status: "time_limit", periodUs: null, boundUs: bound, seconds: 0 });
      return true;
    }
    const formulation = formulatePipeline(problem, count, cutoff(), { allowWholeGpu })!;
    options.onProgress?.(
      `${count} nano-batches${allowWholeGpu ? ", whole-GPU ops allowed" : ""}: ${formulation.model.variables.length} variables, ${remaining.toFixed(1)} s left`,
    );
    const solution = await solver.solve(formulation.model, { timeLimitSeconds: Math.min(remaining, sliceLimitSeconds), relativeGap: options.relativeGap });
    const seconds = (previous?.seconds ?? 0) + elapsed() - t0;
    const proven = solution.status === "optimal" || solution.status === "infeasible";
    const schedule = solution.values.length > 0 ? formulation.decode(solution.values) : undefined;
    // Another count may have found a better period while this one was solved.
    if (schedule && schedule.periodUs < cutoff()) best = schedule;
    if (!allowWholeGpu) {
      // Only a step towards the full MILP: its period stands, its bound does not.
      results.set(count, { count, status: "time_limit", periodUs: schedule?.periodUs ?? null, boundUs: bound, seconds });
      return true;
    }
    const sliceEnded = !proven && elapsed() < options.timeLimitSeconds - 0.05;
    timedOut ||= !proven && !sliceEnded;
    // An infeasible model proves no period below the cutoff it was given, not the current one.
    const solverBound = solution.status === "infeasible" ? formulation.cutoffUs : solution.bound * count;
    const boundUs = Number.isFinite(solverBound) ? Math.max(bound, solverBound) : bound;
    const periodUs = schedule?.periodUs ?? previous?.periodUs ?? null;
    const status: CountStatus = !proven ? "time_limit" : schedule ? "optimal" : "no_better";
    results.set(count, { count, status, periodUs, boundUs, seconds });
    return !sliceEnded;
  };
  try {
    // First every op in its partition (small MILPs, quick good periods), then with whole-GPU ops
    // allowed, each MILP told to beat the best period so far.
    for (const allowWholeGpu of [false, true]) {
      // The second pass starts from the counts that did best in the first, so the cutoff is tight early.
      if (allowWholeGpu) candidates.sort((a, b) => (results.get(a.count)?.periodUs ?? Infinity) - (results.get(b.count)?.periodUs ?? Infinity));
      const queue = [...candidates];
      // While no pipelined period is known (the cutoff is the sequential one), full solves take
      // turns in slices: one count's long proof against that loose cutoff must not hold a solver
      // while another count would find the period that tightens it (Llama-2-70B on 8 H100s: 2 and 3
      // nano-batches took 5 s each to prove no better than 4's, found in 1-2 s). A restart loses the
      // solve's progress, so once a period is known solves run to the end, and a count's slice
      // doubles each turn.
      const turns = new Map<number, number>();
      const slice = (count: number): number =>
        !allowWholeGpu || best !== sequential
          ? Infinity
          : sliceSeconds({ remainingSeconds: options.timeLimitSeconds - elapsed(), solvers: solvers.length, queued: queue.length, turns: turns.get(count) ?? 0 });
      await Promise.all(solvers.map(async (solver) => {
        for (let next = queue.shift(); next; next = queue.shift()) {
          if (await tryCount(solver, next, allowWholeGpu, slice(next.count))) continue;
          turns.set(next.count, (turns.get(next.count) ?? 0) + 1);
          queue.push(next);
        }
      }));
    }
  } finally {
    await Promise.all(solvers.map((solver) => solver.dispose()));
  }
  counts.push(...results.values());
  counts.sort((a, b) => a.count - b.count);
  if (!best) throw new SolverError(`no schedule of ${forced} nano-batches found within the ${options.timeLimitSeconds} s time limit`);
  // Every count's optimum is at least its bound (counts that cannot beat the best carry that).
  const candidateBounds = counts.filter((c) => forced === undefined || c.count === forced).map((c) => c.boundUs ?? Infinity);
  const boundUs = Math.min(best.periodUs, ...candidateBounds);
  const gap = Math.max(0, (best.periodUs - boundUs) / best.periodUs);
  const timed = retimeSchedule(problem, best);
  const fillCostsMore = forced === undefined && layersTimeUs(timed, options.layers) > layersTimeUs(sequential, options.layers);
  if (fillCostsMore) options.onProgress?.(`over ${options.layers} layers the pipeline's fill and drain cost more than it saves: the plan runs sequentially`);
  return {
    bestPeriod: best,
    best: fillCostsMore ? sequential : timed,
    sequential,
    counts,
    status: timedOut && gap > options.relativeGap ? "time_limit" : "optimal",
    boundUs,
    gap,
    seconds: elapsed(),
  };
}

/**
 * A lower bound on the period at K nano-batches, without ordering: for the best layout, no stream
 * can run faster than its own work, each op at its fastest of partition and whole GPU.
 */
export function loadBound(problem: ScheduleProblem, K: number): number {
  const size = nanoBatchSizes(problem.granules, K)![0]!;
  let best = Infinity;
  for (const layout of candidateLayouts(problem)) {
    const load = new Map<string, number>();
    problem.groups.forEach((group, g) => {
      const fastest = Math.min(problem.durationUs(g, size, layout[group.stream], { split: layout }), problem.durationUs(g, size, problem.sms));
      load.set(group.stream, (load.get(group.stream) ?? 0) + fastest);
    });
    best = Math.min(best, K * Math.max(...load.values()));
  }
  return best;
}
