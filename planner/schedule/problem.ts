/**
 * The scheduling problem of one steady-state decoder layer, in the form the MILP and the exhaustive
 * search both read: the operation groups one nano-batch passes through, chained by dependencies,
 * and a duration for any group, nano-batch size and SM count. The cost model fills it in.
 */

export type StreamCategory = "compute" | "memory" | "network";

export interface OperationGroup {
  /** Stable id used in the plan, e.g. "attn_in". */
  readonly id: string;
  readonly stream: StreamCategory;
}

export interface ScheduleProblem {
  /** SMs of the GPU. */
  readonly sms: number;
  /** Dense batch size in granules. */
  readonly granules: number;
  /** Groups in the order of one nano-batch's chain through the layer. */
  readonly groups: readonly OperationGroup[];
  /**
   * Dependencies within one nano-batch's chain: group `from` ends before group `to` starts. The
   * last group of layer l also feeds the first group of layer l+1.
   */
  readonly edges: readonly { readonly from: number; readonly to: number }[];
  /**
   * SM counts the compute and network partitions may take (groups of one green-context split);
   * memory gets the split's remainder (see candidateLayouts).
   */
  readonly partitionShares: { readonly compute: readonly number[]; readonly network: readonly number[] };
  /** Fewest SMs the remainder partition may hold. */
  readonly minRemainderSms: number;
  /**
   * Microseconds for group `group` on `sizeGranules` granules of tokens confined to `sms` SMs, in a
   * pipelined schedule, or in the sequential one where `sequential` (whole-GPU work runs hotter
   * between a pipeline's co-running phases than in a sequential loop). On a partition, `split` is
   * the layout it belongs to, whose other partitions hold the work it runs beside, and
   * `splitGroups` the groups that run in it (the others alone on the whole GPU): a memory group's
   * time grows with the element-wise kernels of the compute groups among them, by the same amount
   * for each such group whatever the others (the MILP sums them).
   */
  durationUs(group: number, sizeGranules: number, sms: number, placement?: Placement): number;
  /** What an ordering between lanes costs beyond the work on either side; none when absent. */
  readonly laneSwitch?: LaneSwitchCosts;
}

/**
 * The runtime runs each layout and stream on a lane (a stream; the split's lanes are green-context
 * partitions), and orders lanes with events. Measured on H200s, such an ordering costs time of its
 * own: about 1 µs between two partitions of the split, and more where an op alone on the whole GPU
 * waits for every lane of the split and they for it. Between plain streams (ops on the whole GPU)
 * it costs nothing measurable.
 */
export interface LaneSwitchCosts {
  /** A dependency between two partitions of the split. */
  readonly crossLaneUs: number;
  /** A switch between the split's lanes and an op alone on the whole GPU (each way). */
  readonly wholeGpuUs: number;
}


/**
 * Where a group runs beyond its SM count: in the sequential schedule, or in a partition of `split`
 * beside `splitGroups` (every group of the layer that runs in the split; none where absent).
 */
export interface Placement {
  readonly sequential?: boolean;
  readonly split?: Layout;
  readonly splitGroups?: readonly number[];
}

/** SMs per stream category in one partitioning of the GPU; a category absent from the layer has 0. */
export interface Layout {
  readonly compute: number;
  readonly memory: number;
  readonly network: number;
}

/** One nano-operation of a solved schedule: group `group` of nano-batch `nanoBatch`. */
export interface ScheduledOperation {
  readonly group: number;
  readonly nanoBatch: number;
  /** SMs it runs on: its partition's, or all of them when it runs alone on the whole GPU. */
  readonly sms: number;
  readonly wholeGpu: boolean;
  /** Start, from the first operation of nano-batch 0 in layer 0, and duration, in microseconds. */
  readonly startUs: number;
  readonly durationUs: number;
}

export interface Schedule {
  readonly nanoBatchCount: number;
  /** Size of each nano-batch in granules, in token order. */
  readonly sizes: readonly number[];
  readonly layout: Layout;
  /** Steady-state layer period (the initiation interval of a layer) in microseconds. */
  readonly periodUs: number;
  /** Every nano-op of one layer (layer 0); layer l runs the same ops l periods later. */
  readonly operations: readonly ScheduledOperation[];
}

export function streamsOf(problem: ScheduleProblem): Set<StreamCategory> {
  return new Set(problem.groups.map((g) => g.stream));
}

/**
 * Every layout the problem allows: a compute and a network share (where present) as groups of one
 * green-context split, memory the split's remainder. cuBLAS's GEMMs ran 10-30% slower on remainder
 * partitions than on split groups of about the same size (H100, H200: bench/README.md), so compute
 * takes groups and the memory-bound attention the remainder.
 */
export function candidateLayouts(problem: ScheduleProblem): Layout[] {
  const streams = streamsOf(problem);
  const network = streams.has("network") ? problem.partitionShares.network : [0];
  const layouts: Layout[] = [];
  for (const compute of problem.partitionShares.compute) {
    for (const n of network) {
      const memory = problem.sms - compute - n;
      if (memory >= problem.minRemainderSms) layouts.push({ compute, memory, network: n });
    }
  }
  return layouts;
}

/**
 * Nano-batch sizes for K nano-batches: all but the last hold ceil(G / K) granules, the last the
 * rest. Undefined when that leaves the last one empty (e.g. 16 granules in 6).
 */
export function nanoBatchSizes(granules: number, count: number): number[] | undefined {
  const size = Math.ceil(granules / count);
  const last = granules - (count - 1) * size;
  if (count < 1 || last < 1) return undefined;
  return [...Array<number>(count - 1).fill(size), last];
}

/** The sequential baseline: one nano-batch, every group alone on the whole GPU, one after another. */
export function sequentialSchedule(problem: ScheduleProblem): Schedule {
  let clock = 0;
  const operations = problem.groups.map((_, g): ScheduledOperation => {
    const durationUs = problem.durationUs(g, problem.granules, problem.sms, { sequential: true });
    const op = { group: g, nanoBatch: 0, sms: problem.sms, wholeGpu: true, startUs: clock, durationUs };
    clock += durationUs;
    return op;
  });
  return { nanoBatchCount: 1, sizes: [problem.granules], layout: { compute: problem.sms, memory: 0, network: 0 }, periodUs: clock, operations };
}

/** From the first op's start to the last op's end of one layer: a layer's latency through the pipeline. */
export function layerSpanUs(schedule: Schedule): number {
  const starts = schedule.operations.map((o) => o.startUs);
  const ends = schedule.operations.map((o) => o.startUs + o.durationUs);
  return Math.max(...ends) - Math.min(...starts);
}

/** Time the layers of one iteration take: a new layer every period, the last one its whole span. */
export function layersTimeUs(schedule: Schedule, layers: number): number {
  return (layers - 1) * schedule.periodUs + layerSpanUs(schedule);
}
