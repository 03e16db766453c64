/**
 * The streams a mode issues on, one per lane (layout and category), each with the cuBLAS handle of
 * its SM target and, where attention runs, that kernel's workspace. Lanes of the plan's split
 * layout are the streams of green-context partitions (one split: the plan's partitions as groups,
 * its last one the remainder); every other lane is a plain stream of the primary context.
 */
import { WHOLE_LAYOUT } from "../../planner/plan/schema.js";
import type { Plan, PlanOperation } from "../../planner/plan/schema.js";
import type { Cublas, Gpu, SmIsolation, SmPartition, Stream } from "../gpu/index.js";
import type { GemmAlgorithms } from "../gemmAlgorithmTable.js";
import { attentionWorkspaceSizes } from "../kernels/kernelContracts.js";
import { groupsLeft, memoryGroupOrder } from "../kernels/memoryGroups.js";
import type { AttentionWorkspace } from "../kernels/modelKernels.js";
import type { ModeOperations } from "../plan/executionModes.js";
import { disposeInReverse, own } from "../owned.js";
import { PlanMismatchError } from "../plan/planCompatibility.js";

export interface Lane {
  name: string;
  stream: Stream;
  /** One handle per SM target used on this lane. */
  cublas: Map<number, Cublas>;
  attention: AttentionWorkspace | undefined;
  /** green-context: confined to its SMs; none: plain stream. */
  isolation: SmIsolation;
  /**
   * The algorithm table's choice for a GEMM of rows x n x k at `sms` on this lane, or undefined for
   * cuBLAS's pick. Beside attention where the lane is the compute partition of a split that runs it.
   */
  gemmAlgorithm(gemm: { n: number; k: number; rows: number; sms: number }): string | undefined;
}

/** The green-context split of a plan's partitioned layout, made once and shared by the lanes on it. */
export class PlanPartitions {
  private constructor(readonly layout: string, readonly byCategory: ReadonlyMap<string, SmPartition>) {}

  /**
   * undefined when the plan runs everything on the whole GPU. The remainder takes the unit groups
   * the sized partitions leave in the order a memory-bound kernel reads fastest on them
   * (memoryGroups.ts), as the profile's tables were measured.
   */
  static async create(gpu: Gpu, plan: Plan, planName: string): Promise<PlanPartitions | undefined> {
    const layoutId = plan.operations.find((op) => op.layout !== WHOLE_LAYOUT)?.layout;
    if (layoutId === undefined) return undefined;
    const layout = plan.layouts.find((candidate) => candidate.id === layoutId);
    if (!layout) throw new PlanMismatchError(planName, [`operations use layout ${layoutId}, which the plan's layouts do not list`]);
    // The plan lists the split's groups first and its remainder last.
    const ordered = layout.partitions;
    const sized = ordered.slice(0, -1).map((partition) => partition.sms);
    const remainderGroups = await memoryGroupOrder(gpu, groupsLeft(gpu, sized));
    const partitions = gpu.createSmPartitions(sized, { includeRemainder: true, remainderGroups });
    const differences = ordered.flatMap((planned, index) => {
      const granted = partitions[index]!.smCount;
      return granted === planned.sms ? [] : [`the ${planned.stream} partition of layout ${layoutId}: planned ${planned.sms} SMs, the driver granted ${granted}`];
    });
    if (differences.length > 0) {
      for (const partition of partitions) partition.dispose();
      throw new PlanMismatchError(planName, differences);
    }
    return new PlanPartitions(layoutId, new Map(ordered.map((planned, index) => [planned.stream, partitions[index]!])));
  }

  dispose(): void {
    for (const partition of this.byCategory.values()) partition.dispose();
  }
}

export class LaneSet {
  private constructor(readonly lanes: ReadonlyMap<string, Lane>, private readonly owned: { dispose(): void }[]) {}

  static create(gpu: Gpu, mode: ModeOperations, partitions: PlanPartitions | undefined, algorithms?: GemmAlgorithms): LaneSet {
    const owned: { dispose(): void }[] = [];
    const lanes = new Map<string, Lane>();
    try {
      for (const op of mode.operations) {
        const name = mode.laneOf(op);
        let lane = lanes.get(name);
        if (!lane) {
          lane = openLane(gpu, name, op, mode, partitions, algorithms, owned);
          lanes.set(name, lane);
        }
        if (!lane.cublas.has(op.smTarget)) lane.cublas.set(op.smTarget, own(owned, gpu.createCublas({ smCountTarget: op.smTarget })));
        if (op.kind === "decode_attention") lane.attention ??= attentionWorkspace(gpu, lane.stream, attentionSms(mode.operations, name, mode), owned);
      }
      return new LaneSet(lanes, owned);
    } catch (error) {
      disposeInReverse(owned);
      throw error;
    }
  }

  lane(name: string): Lane {
    const lane = this.lanes.get(name);
    if (!lane) throw new Error(`no stream for lane ${name}`);
    return lane;
  }

  dispose(): void {
    disposeInReverse(this.owned);
  }
}

function openLane(
  gpu: Gpu,
  name: string,
  op: PlanOperation,
  mode: ModeOperations,
  partitions: PlanPartitions | undefined,
  algorithms: GemmAlgorithms | undefined,
  owned: { dispose(): void }[],
): Lane {
  const partition = mode.mode === "planned" && op.layout === partitions?.layout ? partitions.byCategory.get(op.stream) : undefined;
  if (mode.mode === "planned" && op.layout !== WHOLE_LAYOUT && !partition) throw new Error(`lane ${name}: the plan's split has no ${op.stream} partition`);
  // A partition's first stream belongs to the partition (disposed with it); plain streams are ours.
  const stream = partition ? partition.stream : own(owned, gpu.createStream());
  const beside = mode.gemmNeighbour(op);
  return {
    name,
    stream,
    cublas: new Map(),
    attention: undefined,
    isolation: partition?.isolation ?? "none",
    gemmAlgorithm: (gemm) => algorithms?.algorithmFor({ ...gemm, beside }),
  };
}

/** The largest grid attention gets on a lane: its workspace is sized for it. */
function attentionSms(operations: readonly PlanOperation[], lane: string, mode: ModeOperations): number {
  return Math.max(...operations.filter((op) => op.kind === "decode_attention" && mode.laneOf(op) === lane).map((op) => op.sms));
}

function attentionWorkspace(gpu: Gpu, stream: Stream, sms: number, owned: { dispose(): void }[]): AttentionWorkspace {
  const sizes = attentionWorkspaceSizes(sms);
  const workspace = {
    sms,
    partialO: own(owned, gpu.allocate("bf16", sizes.partialO)),
    partialMl: own(owned, gpu.allocate("fp32", sizes.partialMl)),
    counters: own(owned, gpu.allocate("int32", sizes.counters)),
  };
  workspace.counters.fill(0, stream);
  return workspace;
}

