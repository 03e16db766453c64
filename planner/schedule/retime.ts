/**
 * The MILP's schedule timed again with its choices kept: the same layout, the same ops alone on the
 * whole GPU, the same order on every stream, but each nano-batch's ops at their own durations and
 * no nano-batch held to the modulo timetable. The MILP gives every nano-batch the largest one's
 * slot, so where the last nano-batch is smaller (896 tokens cut 512 + 384) its period is longer
 * than the runtime's: the runtime issues each lane in the plan's order and each op starts once its
 * lane and its dependencies allow (runtime/plan/replaySchedule.ts), which for a fixed order is the
 * least period these constraints allow. docs/milp.md, "Timing the chosen order", states them.
 */
import type { Schedule, ScheduledOperation, ScheduleProblem, StreamCategory } from "./problem.js";

/** Periods closer than this (µs) are not told apart by the bisection. */
const PERIOD_TOLERANCE_US = 1e-4;
/** Starts closer than this (µs) count as equal when reading the MILP's order. */
const ORDER_EPSILON_US = 1e-6;

/** s_to − s_from ≥ weightUs − layers · II: `to`, `layers` layers later, starts weightUs after `from`. */
interface Precedence {
  from: number;
  to: number;
  weightUs: number;
  layers: number;
}

/** `schedule` (K ≥ 2 nano-batches) with the least layer period its order allows, ops started as early as they can. */
export function retimeSchedule(problem: ScheduleProblem, schedule: Schedule): Schedule {
  if (schedule.nanoBatchCount < 2) return schedule;
  const ops = schedule.operations;
  const precedences = [...dependencies(problem, ops), ...streamOrder(problem, ops, schedule.periodUs)];

  // The MILP's own timetable meets every precedence at its period with each op in its slot, and
  // at least as well with the shorter ops of a smaller nano-batch; the loop only guards against a
  // duration table that is not monotone in rows.
  let high = schedule.periodUs;
  for (let tries = 0; !earliestStarts(ops.length, precedences, high); tries++) {
    if (tries === 20) throw new Error(`the solved schedule's order admits no period up to ${high.toFixed(1)} us`);
    high *= 2;
  }
  let low = 0;
  while (high - low > PERIOD_TOLERANCE_US) {
    const mid = (low + high) / 2;
    if (earliestStarts(ops.length, precedences, mid)) high = mid;
    else low = mid;
  }
  const starts = earliestStarts(ops.length, precedences, high)!;
  const first = Math.min(...starts);
  return {
    ...schedule,
    periodUs: high,
    operations: ops.map((op, i): ScheduledOperation => ({ ...op, startUs: starts[i]! - first })),
  };
}

/** Each nano-batch's chain, and its first op of the next layer after its last op of this one. */
function dependencies(problem: ScheduleProblem, ops: readonly ScheduledOperation[]): Precedence[] {
  const index = new Map(ops.map((op, i) => [`${op.group}@${op.nanoBatch}`, i]));
  const at = (group: number, nanoBatch: number): number => index.get(`${group}@${nanoBatch}`)!;
  const last = problem.groups.length - 1;
  const out: Precedence[] = [];
  const nanoBatches = new Set(ops.map((op) => op.nanoBatch));
  for (const nanoBatch of nanoBatches) {
    const chain = (from: number, to: number, layers: number): void => {
      const u = at(from, nanoBatch);
      const v = at(to, nanoBatch);
      out.push({ from: u, to: v, weightUs: ops[u]!.durationUs + switchUs(problem, ops[u]!, ops[v]!), layers });
    };
    for (const { from, to } of problem.edges) chain(from, to, 0);
    chain(last, 0, 1);
  }
  return out;
}

/**
 * Ops that must not overlap (one stream, or either alone on the whole GPU) keep the MILP's order:
 * each op precedes the next copy of every such op that started after it in the MILP's timetable
 * (copies of an op are a layer period apart). Later copies follow from the op's own next copy.
 */
function streamOrder(problem: ScheduleProblem, ops: readonly ScheduledOperation[], periodUs: number): Precedence[] {
  const out: Precedence[] = [];
  ops.forEach((u, a) => {
    ops.forEach((v, b) => {
      if (streamOf(problem, u) !== streamOf(problem, v) && !u.wholeGpu && !v.wholeGpu) return;
      // The first copy of v (layers after this one) that starts after u; u's own next copy for u itself.
      const layers = a === b ? 1 : Math.ceil((u.startUs - v.startUs - ORDER_EPSILON_US) / periodUs);
      const wholeGpuSwitch = u.wholeGpu !== v.wholeGpu ? (problem.laneSwitch?.wholeGpuUs ?? 0) : 0;
      out.push({ from: a, to: b, weightUs: u.durationUs + wholeGpuSwitch, layers });
    });
  });
  return out;
}

/** The dependency's cost beyond the work: as the MILP prices it (formulation.ts, laneSwitchTerms). */
function switchUs(problem: ScheduleProblem, u: ScheduledOperation, v: ScheduledOperation): number {
  const costs = problem.laneSwitch;
  if (!costs) return 0;
  if (u.wholeGpu !== v.wholeGpu) return costs.wholeGpuUs;
  return !u.wholeGpu && streamOf(problem, u) !== streamOf(problem, v) ? costs.crossLaneUs : 0;
}

function streamOf(problem: ScheduleProblem, op: ScheduledOperation): StreamCategory {
  return problem.groups[op.group]!.stream;
}

/**
 * The earliest starts meeting every precedence at layer period `periodUs` (longest paths from a
 * common origin, Bellman-Ford), or undefined where a cycle of precedences outlasts its layers'
 * periods: the period is too short for the order.
 */
function earliestStarts(count: number, precedences: readonly Precedence[], periodUs: number): number[] | undefined {
  const starts = new Array<number>(count).fill(0);
  for (let round = 0; round <= count; round++) {
    let changed = false;
    for (const p of precedences) {
      const earliest = starts[p.from]! + p.weightUs - p.layers * periodUs;
      if (earliest > starts[p.to]! + ORDER_EPSILON_US) {
        starts[p.to] = earliest;
        changed = true;
      }
    }
    if (!changed) return starts;
  }
  return undefined;
}
