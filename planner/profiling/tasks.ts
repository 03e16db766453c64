/**
 * The profile's measurements as a list of tasks, one per table (or per list of interference
 * points): the unit a checkpoint records and a resume skips. Each carries a rough cost estimate so
 * the progress bar can weigh them for its ETA.
 */
import type { GpuSpec } from "../config/index.js";
import type { AllReduceMethod } from "../model/all-reduce-method.js";
import { ELEMENTWISE_KERNELS } from "../model/elementwise-kernels.js";
import type { AllReduceAttentionPoint, AllReduceTable, DecodeAttentionTable, ElementwiseTable, GemmTable, InterferencePoint, LaneSwitchProfile, SustainedLoadProfile } from "../profile/schema.js";
import { fillAttentionGrid, kvBytes, pointsToMeasure } from "./attention-grid.js";
import type { ProfileGrid } from "./grid.js";
import type { Measurer, PointProgress } from "./measurer.js";
import type { ProfileSection } from "./sections.js";
import { attentionKey, type AttentionConfig, type ProfileTargets } from "./targets.js";

export interface AttentionResult {
  table: DecodeAttentionTable;
  measuredPoints: number;
  scaledPoints: number;
}

export interface ElementwiseResult {
  sms: number[];
  bandwidthTBs: number[];
  launchUs: number;
}

/** What each kind of task stores in the checkpoint. */
export type TaskResult =
  | GemmTable
  | AttentionResult
  | ElementwiseResult
  | ElementwiseTable
  | AllReduceTable
  | InterferencePoint[]
  | AllReduceAttentionPoint[]
  | LaneSwitchProfile
  | SustainedLoadProfile;

export interface ProfileTask {
  /** Stable across runs: the checkpoint's key. */
  id: string;
  section: ProfileSection;
  /** For the progress line: "gemm 12288x4096". */
  label: string;
  /** Estimated seconds, for the ETA. */
  weight: number;
  measure(measurer: Measurer, progress: PointProgress): Promise<TaskResult>;
}

/** The peer all-reduce section's interference tasks; its other tasks are its tables, "peer-allreduce/<gpus>". */
export const PEER_GEMM_INTERFERENCE_TASK = "peer-allreduce/gemm-interference";
export const PEER_ATTENTION_INTERFERENCE_TASK = "peer-allreduce/attention-interference";

/** Host-side cost of one measured point (graph capture, events, synchronisation), seconds. */
const POINT_OVERHEAD_S = 4e-4;
/** Timed runs per point: a probe, a warm-up and a few repetitions. */
const RUNS_PER_POINT = 4;

export function planTasks(sections: readonly ProfileSection[], targets: ProfileTargets, grid: ProfileGrid, gpu: GpuSpec, gpuCount: number): ProfileTask[] {
  const tasks: ProfileTask[] = [];
  const has = (section: ProfileSection): boolean => sections.includes(section);
  const readSeconds = (bytes: number, sms: number): number => bytes / (gpu.memoryBandwidthTBs * 1e12 * Math.min(1, sms / 40));
  if (has("gemm")) {
    for (const shape of targets.gemmShapes) {
      const { n, k } = shape;
      let weight = 0;
      for (const t of grid.gemmTokens) {
        for (const s of grid.gemmSms) {
          const compute = (2 * t * n * k) / (0.8 * gpu.bf16DenseTflops * 1e12 * (s / gpu.sms));
          weight += RUNS_PER_POINT * Math.max(compute, readSeconds(2 * n * k, s)) + POINT_OVERHEAD_S;
        }
      }
      tasks.push({
        id: `gemm/${n}x${k}`,
        section: "gemm",
        label: `gemm ${n}x${k}`,
        weight,
        measure: async (measurer, progress) => ({
          n,
          k,
          tokens: [...grid.gemmTokens],
          sms: [...grid.gemmSms],
          timeUs: await measurer.gemm(shape, grid.gemmTokens, grid.gemmSms, progress),
        }),
      });
    }
  }
  if (has("attention")) {
    for (const config of targets.attention) tasks.push(attentionTask(config, grid, readSeconds));
  }
  /** A section measured as one task, keyed by its name. */
  const oneTask = (section: ProfileSection, label: string, weight: number, measure: ProfileTask["measure"]): void => {
    if (has(section)) tasks.push({ id: section, section, label, weight, measure });
  };
  oneTask("elementwise", "elementwise", grid.elementwiseSms.length * 0.01, async (measurer, progress) => ({
    sms: [...grid.elementwiseSms],
    ...(await measurer.elementwise(grid.elementwiseSms, progress)),
  }));
  if (has("elementwise")) {
    for (const kernel of ELEMENTWISE_KERNELS) {
      tasks.push({
        id: `elementwise/${kernel}`,
        section: "elementwise",
        label: kernel,
        // A few microseconds a launch: each timed run is the timer's floor of about 200 us.
        weight: grid.elementwiseTokens.length * grid.elementwiseSms.length * (RUNS_PER_POINT * 2e-4 + POINT_OVERHEAD_S),
        measure: async (measurer, progress): Promise<ElementwiseTable> => {
          const { bytesPerToken, shape, timeUs } = await measurer.elementwiseTable(kernel, grid.elementwiseTokens, grid.elementwiseSms, progress);
          return { kernel, bytesPerToken, shape, tokens: [...grid.elementwiseTokens], sms: [...grid.elementwiseSms], timeUs };
        },
      });
    }
  }
  if (has("allreduce")) tasks.push(...allReduceTableTasks("allreduce", "nccl", grid, gpuCount));
  oneTask("attention-interference", "GEMM beside decode attention", grid.attentionPartnerSms.length * grid.attentionPartnerGemmTokens.length * 0.2, (measurer, progress) =>
    measurer.attentionInterference(grid.attentionPartnerSms, grid.attentionPartnerGemmTokens, progress),
  );
  oneTask("allreduce-interference", "GEMM beside all-reduce", grid.allReducePartnerSms.length, (measurer, progress) =>
    measurer.allReduceInterference("nccl", grid.allReducePartnerSms, progress),
  );
  oneTask("allreduce-attention-interference", "all-reduce beside decode attention", grid.allReducePartnerSms.length, (measurer, progress) =>
    measurer.allReduceBesideAttention("nccl", grid.allReducePartnerSms, grid.attentionBesideAllReduceSms, progress),
  );
  if (has("peer-allreduce")) {
    // The peer kernel's three parts, as NCCL's are measured: tables, GEMM beside it, it beside attention.
    tasks.push(...allReduceTableTasks("peer-allreduce", "peer", grid, gpuCount));
    tasks.push({
      id: PEER_GEMM_INTERFERENCE_TASK,
      section: "peer-allreduce",
      label: "GEMM beside peer all-reduce",
      weight: grid.allReducePartnerSms.length,
      measure: (measurer, progress) => measurer.allReduceInterference("peer", grid.allReducePartnerSms, progress),
    });
    tasks.push({
      id: PEER_ATTENTION_INTERFERENCE_TASK,
      section: "peer-allreduce",
      label: "peer all-reduce beside decode attention",
      weight: grid.allReducePartnerSms.length,
      measure: (measurer, progress) => measurer.allReduceBesideAttention("peer", grid.allReducePartnerSms, grid.attentionBesideAllReduceSms, progress),
    });
  }
  oneTask("lane-switch", "lane switch", 0.5, (measurer, progress) => measurer.laneSwitch(progress));
  // Three kinds, each half a second of load and its timed windows, cool and sustained.
  oneTask("sustained-load", "sustained load", 4, (measurer, progress) => measurer.sustainedLoad(progress));
  return tasks;
}

/** One all-reduce table per GPU count the machine has (2, 4, 8), summed by `method`. */
function allReduceTableTasks(section: ProfileSection, method: AllReduceMethod, grid: ProfileGrid, gpuCount: number): ProfileTask[] {
  const name = method === "peer" ? "peer all-reduce" : "all-reduce";
  return [2, 4, 8]
    .filter((gpus) => gpus <= gpuCount)
    .map((gpus) => ({
      id: `${section}/${gpus}`,
      section,
      label: `${name} on ${gpus} GPUs`,
      // NCCL's set-up per CTA limit dominates the small sizes.
      weight: grid.allReduceCtas.length * (1 + grid.allReduceBytes.reduce((sum, b) => sum + 40 * (b / 100e9), 0)),
      measure: async (measurer, progress): Promise<AllReduceTable> => ({
        gpus,
        bytes: [...grid.allReduceBytes],
        ctas: [...grid.allReduceCtas],
        timeUs: await measurer.allReduce(method, gpus, grid.allReduceBytes, grid.allReduceCtas, progress),
      }),
    }));
}

function attentionTask(config: AttentionConfig, grid: ProfileGrid, readSeconds: (bytes: number, sms: number) => number): ProfileTask {
  const points = pointsToMeasure(config, grid.attentionRequests, grid.attentionContext, grid.attentionMaxKvBytes);
  const weight = points.reduce(
    (sum, point) => sum + grid.attentionSms.reduce((inner, s) => inner + RUNS_PER_POINT * 1.2 * readSeconds(kvBytes(config, point), s) + POINT_OVERHEAD_S, 0),
    0,
  );
  return {
    id: `attention/${attentionKey(config)}`,
    section: "attention",
    label: `decode attention ${config.kvHeads} KV heads x group ${config.groupSize}`,
    weight,
    measure: async (measurer, progress): Promise<AttentionResult> => {
      const times = await measurer.decodeAttention(config, points, grid.attentionSms, progress);
      const measured = points.map((point, index) => ({ point, timeUs: times[index]! }));
      const { timeUs, scaled } = fillAttentionGrid(config, grid.attentionRequests, grid.attentionContext, measured);
      return {
        table: { ...config, requests: [...grid.attentionRequests], context: [...grid.attentionContext], sms: [...grid.attentionSms], timeUs },
        measuredPoints: points.length,
        scaledPoints: scaled,
      };
    },
  };
}
