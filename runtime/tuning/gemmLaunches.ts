/**
 * The distinct GEMM launches a plan's planned and sequential modes make on one GPU, keyed as the
 * GEMM algorithm table keys them: shape, rows, SM target and what runs beside. These are what
 * `nanoweave tune` measures.
 */
import { layerGemmShapes, type GemmShape } from "../../planner/model/shard.js";
import type { Plan, PlanOperation } from "../../planner/plan/schema.js";
import { gemmKey, type GemmLaunchKey } from "../gemmAlgorithmTable.js";
import { modelShapeOf } from "../model/modelShape.js";
import { operationsFor, type ExecutionMode } from "../plan/executionModes.js";

/** The modes whose GEMMs a table serves: `streams` is a diagnostic and runs the planned shapes. */
const TUNED_MODES: readonly ExecutionMode[] = ["planned", "sequential"];

export interface GemmLaunch extends GemmLaunchKey {
  /** The plan's op kind, e.g. gate_up_gemm. */
  kind: string;
  /** The modes that make this launch. */
  modes: ExecutionMode[];
}

/** The layer GEMM an op kind launches, or undefined where the kind is not a GEMM. */
export function gemmShapeOfKind(shapes: ReturnType<typeof layerGemmShapes>, kind: PlanOperation["kind"]): GemmShape | undefined {
  switch (kind) {
    case "qkv_gemm":
      return shapes.qkv;
    case "o_gemm":
      return shapes.o;
    case "gate_up_gemm":
      return shapes.gateUp;
    case "down_gemm":
      return shapes.down;
    default:
      return undefined;
  }
}

export function planGemmLaunches(plan: Plan): GemmLaunch[] {
  const shapes = layerGemmShapes(modelShapeOf(plan));
  const launches = new Map<string, GemmLaunch>();
  for (const mode of TUNED_MODES) {
    const operations = operationsFor(plan, mode);
    for (const op of operations.operations) {
      const shape = gemmShapeOfKind(shapes, op.kind);
      const rows = op.rows[1] - op.rows[0];
      if (!shape || rows === 0) continue;
      const launch: GemmLaunch = { kind: op.kind, ...shape, rows, sms: op.smTarget, beside: operations.gemmNeighbour(op), modes: [] };
      const key = gemmKey(launch);
      const known = launches.get(key) ?? launches.set(key, launch).get(key)!;
      if (!known.modes.includes(mode)) known.modes.push(mode);
    }
  }
  return [...launches.values()];
}
