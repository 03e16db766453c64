/**
 * Assembles the plan file from a solved schedule: nano-batch row ranges, SM layouts, every kernel of
 * one layer with its partition, SM target, dependencies and predicted times, and the prediction
 * beside the sequential baseline and the lower bound of the same cost model.
 */
import type { AllReduceMethod } from "../model/all-reduce-method.js";
import type { GpuSpec, ResolvedModel, Workload } from "../config/index.js";
import type { DenseBatch } from "../model/dense-batch.js";
import { tokenCounts, type KernelOp, type LayerGraph } from "../model/layer-graph.js";
import type { Shard } from "../model/shard.js";
import type { LoadedProfile } from "../profile/load.js";
import type { SolverBackendName } from "../milp/solution.js";
import type { LayerScheduleProblem } from "../schedule/build-problem.js";
import { layersTimeUs, type Schedule } from "../schedule/problem.js";
import type { SearchResult } from "../schedule/search.js";
import { PLAN_SCHEMA_ID, SPLIT_LAYOUT, WHOLE_LAYOUT, type Plan, type PlanOperation } from "./schema.js";

export interface PlanInputs {
  model: ResolvedModel;
  gpu: GpuSpec;
  workload: Workload;
  shard: Shard;
  batch: DenseBatch;
  profile: LoadedProfile;
  graph: LayerGraph;
  problem: LayerScheduleProblem;
  search: SearchResult;
  allReduce: boolean;
  allReduceMethod: AllReduceMethod;
  backend: SolverBackendName;
  timeLimitSeconds: number;
  notes: string[];
  toolVersion: string;
}

const NCCL_MAX_CTAS = 32;

/**
 * The kernels an iteration runs once on the whole GPU, before its first layer and after its last,
 * their times, and their total: what an iteration takes beyond its layers.
 */
export function edgeKernelTimes(graph: LayerGraph, batch: DenseBatch, gpu: GpuSpec): Pick<Plan, "prologue" | "epilogue"> & { totalUs: number } {
  const wholeTokens = tokenCounts(batch, batch.tokens);
  const time = (k: KernelOp) => ({ kind: k.kind, us: k.timeUs(wholeTokens, gpu.sms) });
  const [prologue, epilogue] = [graph.prologue.map(time), graph.epilogue.map(time)];
  return { prologue, epilogue, totalUs: [...prologue, ...epilogue].reduce((sum, k) => sum + k.us, 0) };
}

export function buildPlan(inputs: PlanInputs): Plan {
  const { batch, graph, search, shard } = inputs;
  const schedule = search.best;
  const nanoBatches = nanoBatchRows(batch, schedule);
  const operations = layerOperations(inputs, schedule, nanoBatches.map((n) => n.rows));
  const wholeTokens = tokenCounts(batch, batch.tokens);
  const { prologue, epilogue, totalUs: outside } = edgeKernelTimes(graph, batch, inputs.gpu);
  const layers = shard.layers;
  const iterationUs = outside + layersTimeUs(schedule, layers);
  const sequentialIterationUs = outside + layersTimeUs(search.sequential, layers);
  const lowerBoundLayerUs = graph.groups
    .flatMap((g) => g.kernels)
    .filter((k) => k.kind.endsWith("_gemm"))
    .reduce((sum, k) => sum + k.timeUs(wholeTokens, inputs.gpu.sms), 0);
  const lowerBoundIterationUs = outside + layers * lowerBoundLayerUs;
  const perGpu = (us: number): number => batch.tokens / (us / 1e6) / shard.tensorParallel;

  return {
    schema: PLAN_SCHEMA_ID,
    createdAt: new Date().toISOString(),
    tool: `nanoweave ${inputs.toolVersion}`,
    model: {
      name: inputs.model.name,
      id: inputs.model.id,
      config: inputs.model.hf,
      shard: {
        hiddenSize: shard.hiddenSize,
        headDim: shard.headDim,
        qHeads: shard.qHeads,
        kvHeads: shard.kvHeads,
        intermediate: shard.intermediate,
        vocab: shard.vocab,
        layers: shard.layers,
        weightBytes: shard.weightBytes,
        kvBytesPerToken: shard.kvBytesPerToken,
      },
    },
    tensorParallel: shard.tensorParallel,
    allReduce: inputs.allReduce && shard.tensorParallel > 1,
    allReduceMethod: inputs.allReduceMethod,
    gpu: { name: inputs.gpu.name, id: inputs.gpu.id, sms: inputs.gpu.sms, memoryGiB: inputs.gpu.memoryGiB },
    profile: {
      source: inputs.profile.profile.source,
      path: inputs.profile.name ?? null,
      sha256: inputs.profile.sha256,
      gpu: inputs.profile.profile.provenance.gpu,
      date: inputs.profile.profile.provenance.date,
    },
    workload:
      inputs.workload.kind === "decode"
        ? { kind: "decode", name: inputs.workload.name, contextTokens: inputs.workload.contextTokens }
        : { kind: "continuous", name: inputs.workload.name, promptTokens: inputs.workload.promptTokens, outputTokens: inputs.workload.outputTokens },
    batch: { ...batch, memory: { ...batch.memory } },
    layouts: layouts(schedule, inputs.gpu.sms),
    nanoBatches,
    periodUs: schedule.periodUs,
    operations,
    prologue,
    epilogue,
    prediction: {
      layerUs: schedule.periodUs,
      iterationUs,
      tokensPerSecondPerGpu: perGpu(iterationUs),
      sequential: {
        layerUs: search.sequential.periodUs,
        iterationUs: sequentialIterationUs,
        tokensPerSecondPerGpu: perGpu(sequentialIterationUs),
        operations: sequentialOperationTimes(inputs, search.sequential),
      },
      lowerBound: { layerUs: lowerBoundLayerUs, iterationUs: lowerBoundIterationUs },
      speedupOverSequential: sequentialIterationUs / iterationUs,
      percentOfLowerBound: (100 * lowerBoundIterationUs) / iterationUs,
    },
    solver: {
      backend: inputs.backend,
      status: search.status,
      objectiveUs: search.bestPeriod.periodUs,
      boundUs: search.boundUs,
      gap: search.gap,
      seconds: search.seconds,
      timeLimitSeconds: inputs.timeLimitSeconds,
      nanoBatchCounts: search.counts,
    },
    notes:
      search.best !== search.sequential || search.bestPeriod === search.sequential
        ? inputs.notes
        : [
            ...inputs.notes,
            `the best pipelined period (${search.bestPeriod.periodUs.toFixed(1)} us) would make the ${layers}-layer iteration slower than ` +
              "running sequentially once the pipeline fills and drains, so the plan is sequential",
          ],
  };
}

/** Nano-batch i holds rows [a, b); its decode rows come first, in the dense batch's proportion. */
function nanoBatchRows(batch: DenseBatch, schedule: Schedule): Plan["nanoBatches"] {
  const decodeBefore = (row: number): number => Math.round((row * batch.decodeTokens) / batch.tokens);
  let start = 0;
  return schedule.sizes.map((size, index) => {
    const end = start + size * batch.granule;
    const decodeEnd = start + decodeBefore(end) - decodeBefore(start);
    const entry = { index, rows: [start, end] as [number, number], decodeRows: [start, decodeEnd] as [number, number], prefillRows: [decodeEnd, end] as [number, number] };
    start = end;
    return entry;
  });
}

function layouts(schedule: Schedule, sms: number): Plan["layouts"] {
  const whole = { id: WHOLE_LAYOUT, partitions: [{ stream: "compute" as const, sms }] };
  if (schedule.nanoBatchCount === 1) return [whole];
  // Split groups first, the remainder partition last (the plan schema's convention).
  const partitions = (["compute", "network", "memory"] as const)
    .filter((stream) => schedule.layout[stream] > 0)
    .map((stream) => ({ stream, sms: schedule.layout[stream] }));
  return [whole, { id: SPLIT_LAYOUT, partitions }];
}

/**
 * Every kernel of one layer: a scheduled group's window is shared among its kernels in proportion
 * to their times in it (interference included), back to back on the group's stream.
 */
function layerOperations(inputs: PlanInputs, schedule: Schedule, rows: [number, number][]): PlanOperation[] {
  const { graph } = inputs;
  const lastGroup = graph.groups.length - 1;
  const lastKernelId = (group: number, nanoBatch: number): string => kernelId(graph, group, nanoBatch, graph.groups[group]!.kernels.length - 1);
  const operations: PlanOperation[] = [];
  for (const op of schedule.operations) {
    const group = graph.groups[op.group]!;
    const range = rows[op.nanoBatch]!;
    const durations = kernelTimesUs(inputs, schedule, op, schedule.nanoBatchCount === 1);
    let clock = op.startUs;
    group.kernels.forEach((kernel, j) => {
      const duration = durations[j]!;
      const dependsOn: PlanOperation["dependsOn"] =
        j > 0
          ? [{ op: kernelId(graph, op.group, op.nanoBatch, j - 1), layer: 0 }]
          : [
              ...inputs.problem.edges.filter((e) => e.to === op.group).map((e) => ({ op: lastKernelId(e.from, op.nanoBatch), layer: 0 as const })),
              ...(op.group === 0 ? [{ op: lastKernelId(lastGroup, op.nanoBatch), layer: -1 as const }] : []),
            ];
      operations.push({
        id: kernelId(graph, op.group, op.nanoBatch, j),
        group: group.id,
        kind: kernel.kind,
        stream: group.stream,
        nanoBatch: op.nanoBatch,
        rows: range,
        layout: op.wholeGpu || schedule.nanoBatchCount === 1 ? WHOLE_LAYOUT : SPLIT_LAYOUT,
        sms: op.sms,
        smTarget: smTarget(kernel, op.sms),
        dependsOn,
        startUs: clock,
        endUs: clock + duration,
      });
      clock += duration;
    });
  }
  return operations;
}

/** Each kernel of the sequential schedule (one nano-batch of every row, whole GPU), named as nano-batch 0's. */
function sequentialOperationTimes(inputs: PlanInputs, sequential: Schedule): { id: string; us: number }[] {
  return sequential.operations.flatMap((op) =>
    kernelTimesUs(inputs, sequential, op, true).map((us, j) => ({ id: kernelId(inputs.graph, op.group, op.nanoBatch, j), us })),
  );
}

/** A scheduled group's time split over its kernels in proportion to their cost-model times. */
function kernelTimesUs(inputs: PlanInputs, schedule: Schedule, op: Schedule["operations"][number], sequential: boolean): number[] {
  // In the split, beside the groups of its nano-batch that also run there.
  const placement =
    op.wholeGpu || sequential
      ? { sequential }
      : { sequential, split: schedule.layout, splitGroups: schedule.operations.filter((o) => o.nanoBatch === op.nanoBatch && !o.wholeGpu).map((o) => o.group) };
  const times = inputs.problem.kernelDurationsUs(op.group, schedule.sizes[op.nanoBatch]!, op.sms, placement).map((time) => Math.max(time, 1e-3));
  const total = times.reduce((a, b) => a + b, 0);
  return times.map((time) => (op.durationUs * time) / total);
}

function kernelId(graph: LayerGraph, group: number, nanoBatch: number, kernel: number): string {
  const g = graph.groups[group]!;
  return `${g.id}.${nanoBatch}.${g.kernels[kernel]!.kind}`;
}

/** cuBLAS is told its partition's SM count; NCCL gets one CTA per SM, up to its limit. */
function smTarget(kernel: KernelOp, sms: number): number {
  return kernel.kind === "all_reduce" ? Math.min(sms, NCCL_MAX_CTAS) : sms;
}
