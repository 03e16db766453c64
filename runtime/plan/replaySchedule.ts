/**
 * A mode's steady-state layer time from its ops' durations alone: its issue schedule
 * (issueSchedule.ts) replayed with each op starting as soon as its lane and its waits allow, nothing
 * between ops. Each rank runs its own copy; an all-reduce ends on every rank at once, its shortest
 * duration over the ranks (the one that did not wait) after the last rank starts it. Beside the
 * measured layer, the difference is time spent between ops: lane switches, launch gaps, and waits
 * that the durations do not hold.
 */
import type { PlanOperation } from "../../planner/plan/schema.js";
import { buildIssueSchedule, type IssueSchedule } from "./issueSchedule.js";
import type { ModeOperations } from "./executionModes.js";

/** Layers replayed, and those skipped before the period is read: the start-up transient dies out well within them. */
const REPLAYED_LAYERS = 24;
const SETTLING_LAYERS = 8;

/** `durationUs(op, rank)`: the op's duration on that rank. */
export type OperationDurations = (op: PlanOperation, rank: number) => number;

/**
 * The mode's steady-state layer time with ops taking `durationUs`, on `ranks` ranks: its schedule
 * built once, for replays with several sets of durations.
 */
export function scheduleReplay(mode: ModeOperations): (ranks: number, durationUs: OperationDurations) => number {
  const schedule = buildIssueSchedule(mode, REPLAYED_LAYERS);
  return (ranks, durationUs) => replay(schedule, ranks, durationUs);
}

function replay(schedule: IssueSchedule, ranks: number, durationUs: OperationDurations): number {
  if (!Number.isInteger(ranks) || ranks < 1) throw new RangeError(`Expected a positive whole number of ranks but received ${ranks}`);
  const laneFree = Array.from({ length: ranks }, () => new Map<string, number>());
  const recorded = Array.from({ length: ranks }, () => new Map<number, number>());
  const layerStart = Array.from({ length: ranks }, () => new Array<number>(REPLAYED_LAYERS).fill(Infinity));
  const collectiveUs = new Map<PlanOperation, number>();
  for (const step of schedule.steps) {
    for (let rank = 0; rank < ranks; rank++) {
      const free = laneFree[rank]!.get(step.lane) ?? 0;
      if (step.kind === "wait") laneFree[rank]!.set(step.lane, Math.max(free, recorded[rank]!.get(step.event)!));
      if (step.kind === "record") recorded[rank]!.set(step.event, free);
    }
    if (step.kind !== "run") continue;
    const { op, layer } = step.instance;
    const starts = laneFree.map((lanes) => lanes.get(step.lane) ?? 0);
    starts.forEach((start, rank) => (layerStart[rank]![layer] = Math.min(layerStart[rank]![layer]!, start)));
    if (op.kind === "all_reduce") {
      if (!collectiveUs.has(op)) collectiveUs.set(op, Math.min(...starts.map((_, rank) => durationUs(op, rank))));
      const end = Math.max(...starts) + collectiveUs.get(op)!;
      for (const lanes of laneFree) lanes.set(step.lane, end);
    } else {
      starts.forEach((start, rank) => laneFree[rank]!.set(step.lane, start + durationUs(op, rank)));
    }
  }
  const last = REPLAYED_LAYERS - 1;
  return Math.max(...layerStart.map((starts) => (starts[last]! - starts[SETTLING_LAYERS]!) / (last - SETTLING_LAYERS)));
}
