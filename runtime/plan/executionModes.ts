/**
 * The three ways the runtime runs a plan's layer, for comparison in one process:
 *   planned:    the plan as written: its nano-batches, order, SM partitions and SM targets;
 *   streams:    the same nano-batches, order and SM targets on plain streams (no partitions);
 *   sequential: the same kernels on one stream and the whole GPU, one nano-batch of every row.
 * Each mode is a list of operations (plan operations, rewritten) and the lane each one issues on.
 */
import { WHOLE_LAYOUT } from "../../planner/plan/schema.js";
import type { Plan, PlanOperation } from "../../planner/plan/schema.js";
import type { GemmNeighbour } from "../gemmAlgorithmTable.js";

export const EXECUTION_MODES = ["planned", "sequential", "streams"] as const;
export type ExecutionMode = (typeof EXECUTION_MODES)[number];

export interface ModeOperations {
  mode: ExecutionMode;
  operations: PlanOperation[];
  /** The stream an operation issues on: one per layout and category ("split/memory"). */
  laneOf(op: PlanOperation): string;
  /** Operations that must run alone (the plan's whole-GPU ones; none when everything is on one lane). */
  exclusive(op: PlanOperation): boolean;
  /** Layer l starts l periods after layer 0: sets the steady-state issue order across layers. */
  periodUs: number;
  /**
   * What runs beside a GEMM op while it runs: attention where the op is on the compute partition of
   * a split that runs attention on its memory partition. GEMM algorithms are chosen (and measured)
   * for that.
   */
  gemmNeighbour(op: PlanOperation): GemmNeighbour;
}

export function operationsFor(plan: Plan, mode: ExecutionMode): ModeOperations {
  const isWhole = (op: PlanOperation) => op.layout === WHOLE_LAYOUT;
  const alone = (): GemmNeighbour => "none";
  switch (mode) {
    case "planned":
      return { mode, operations: plan.operations, laneOf: (op) => `${op.layout}/${op.stream}`, exclusive: isWhole, periodUs: plan.periodUs, gemmNeighbour: (op) => plannedGemmNeighbour(plan, op) };
    case "streams":
      // No partitions: attention runs on the same SMs, not beside.
      return { mode, operations: plan.operations, laneOf: (op) => op.stream, exclusive: isWhole, periodUs: plan.periodUs, gemmNeighbour: alone };
    case "sequential": {
      const operations = sequentialOperations(plan);
      // One layer after the other: the period is the chain's own length.
      return { mode, operations, laneOf: () => "sequential", exclusive: () => false, periodUs: operations.at(-1)!.endUs, gemmNeighbour: alone };
    }
  }
}

function plannedGemmNeighbour(plan: Plan, op: PlanOperation): GemmNeighbour {
  if (op.layout === WHOLE_LAYOUT || op.stream !== "compute") return "none";
  const hasMemory = plan.layouts.find((layout) => layout.id === op.layout)?.partitions.some((partition) => partition.stream === "memory");
  const runsAttention = plan.operations.some((other) => other.kind === "decode_attention" && other.layout === op.layout);
  return hasMemory && runsAttention ? "attention" : "none";
}

/**
 * Nano-batch 0's chain widened to every row of the dense batch on the whole GPU, in dependency
 * order: the baseline the plan claims to beat. Each op's predicted time is the plan's sequential one;
 * plans made before those were written carry none, and keep nano-batch 0's time (ordering only).
 */
export function sequentialOperations(plan: Plan): PlanOperation[] {
  const first = plan.operations.filter((op) => op.nanoBatch === 0);
  const rows: [number, number] = [0, plan.batch.tokens];
  const ordered = dependencyOrder(first);
  const predicted = new Map(plan.prediction.sequential.operations?.map((op) => [op.id, op.us]));
  let clock = 0;
  return ordered.map((op) => {
    const duration = predicted.get(op.id) ?? op.endUs - op.startUs;
    const widened: PlanOperation = { ...op, rows, layout: WHOLE_LAYOUT, sms: plan.gpu.sms, smTarget: plan.gpu.sms, startUs: clock, endUs: clock + duration };
    clock += duration;
    return widened;
  });
}

/** Same-layer dependencies first; ties keep the plan's order. */
function dependencyOrder(ops: readonly PlanOperation[]): PlanOperation[] {
  const placed = new Set<string>();
  const ordered: PlanOperation[] = [];
  while (ordered.length < ops.length) {
    const next = ops.find((op) => !placed.has(op.id) && op.dependsOn.every((d) => d.layer === -1 || placed.has(d.op)));
    if (!next) throw new Error(`the plan's operations ${ops.filter((op) => !placed.has(op.id)).map((op) => op.id).join(", ")} depend on each other in a cycle`);
    placed.add(next.id);
    ordered.push(next);
  }
  return ordered;
}
