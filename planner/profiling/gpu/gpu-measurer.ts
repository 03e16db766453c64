/**
 * The measurer that runs on real GPUs through the addon (runtime/gpu). Opened only by
 * `nanoweave profile`: it checks that the machine can measure (addon, driver, cuBLAS, NVRTC, a
 * GPU with green contexts) and opens each GPU when first needed.
 */
import { createHash } from "node:crypto";
import { readFileSync } from "node:fs";
import { collectSystemReport, Gpu, type SystemReport } from "../../../runtime/gpu/index.js";
import type { AllReduceMethod } from "../../model/all-reduce-method.js";
import type { ElementwiseKernel } from "../../model/elementwise-kernels.js";
import type { GemmShape } from "../../model/shard.js";
import type { AllReduceAttentionPoint, InterferencePoint, LaneSwitchProfile, SustainedLoadProfile } from "../../profile/schema.js";
import { chooseDevices } from "../devices.js";
import type { AttentionPoint, DeviceFacts, MeasuredElementwise, Measurer, PointProgress } from "../measurer.js";
import { methodNote, type ProfileSection } from "../sections.js";
import type { AttentionConfig } from "../targets.js";
import {
  ATTENTION_PAIR_ALL_REDUCE_BYTES,
  INTERFERENCE_ALL_REDUCE_BYTES,
  INTERFERENCE_ATTENTION,
  INTERFERENCE_ATTENTION_POINT,
  INTERFERENCE_GEMM,
  INTERFERENCE_TOKENS,
  measureAllReduce,
  measureAllReduceAttentionInterference,
  measureAllReduceInterference,
  measureAttentionInterference,
} from "./collectives.js";
import { allReduceRunner, type AllReduceRunner } from "./all-reduce-runners.js";
import { explainGpuFailure } from "./failures.js";
import { measureLaneSwitch } from "./lane-switch.js";
import { measureSustainedLoad } from "./sustained-load.js";
import { GpuContext } from "./gpu-context.js";
import { ATTENTION_HEAD_DIM, ATTENTION_MAX_GROUP, ATTENTION_PAGE_SIZE, ATTENTION_SOURCES, KERNELS_DIR } from "../../../runtime/kernels/kernelContracts.js";
import { largestPartition } from "./partitions.js";
import { ELEMENTWISE_SHAPE, RMSNORM_CURVE_ROWS } from "./elementwise-workloads.js";
import { measureDecodeAttention, measureElementwise, measureElementwiseTable, measureGemm } from "./tables.js";
import { WorkTimer } from "./timer.js";

const FACTOR_NOTE =
  "each side timed inside the other's longer run, after half a second of the same (the GPU at a plan's power draw and clocks); " +
  "factor = time beside / time alone in the same window on the same partitions, after 300 ms idle";

/** Green contexts on compute capability 8.x and 9.x split in 8-SM steps; used when the driver does not say. */
const DEFAULT_PARTITION_STEP = 8;

export async function openGpuMeasurer(ordinals: number[] | undefined): Promise<Measurer> {
  const report = collectSystemReport();
  if (!report.addon.loaded) throw new Error(`nanoweave profile needs the native addon: ${report.addon.error}`);
  const available = (name: string): boolean => report.libraries.some((library) => library.name === name && library.available);
  if (!available("cuda")) throw new Error("nanoweave profile needs a GPU, but no CUDA driver (libcuda.so.1) was found; `nanoweave doctor` lists every place searched");
  const missing = report.libraries.filter((library) => !library.available && library.name !== "nccl");
  if (missing.length > 0) {
    const what = missing.map((library) => `${library.label}${library.neededFor ? ` (for ${library.neededFor})` : ""}`).join(" and ");
    throw new Error(`nanoweave profile needs ${what}, not found; \`nanoweave doctor\` lists every place searched`);
  }
  if (report.gpus.length === 0) throw new Error(`nanoweave profile needs a GPU: ${report.problems[0] ?? "the CUDA driver reports none"}`);
  const devices = chooseDevices(ordinals, report.gpus);
  const first = report.gpus.find((gpu) => gpu.ordinal === devices[0]!.ordinal)!;
  if (!first.greenContexts.supported) {
    throw new Error(`${first.name} has no green contexts (${first.greenContexts.reason}); a profile measures work confined to SM shares and needs them`);
  }
  const min = first.greenContexts.minPartitionSms || DEFAULT_PARTITION_STEP;
  const granularity = first.greenContexts.alignment || min;
  const probe = Gpu.open(first.ordinal);
  const max = largestPartition(probe, min, granularity);
  probe.dispose();
  const facts: DeviceFacts = {
    name: first.name,
    sms: first.smCount,
    memoryGiB: Math.round((first.totalMemoryBytes / 2 ** 30) * 100) / 100,
    computeCapability: `${first.computeCapability.major}.${first.computeCapability.minor}`,
    partition: { min, granularity, max },
    ordinals: devices.map((device) => device.ordinal),
    ...libraryVersions(report),
  };
  return new GpuMeasurer(facts);
}

class GpuMeasurer implements Measurer {
  private readonly contexts = new Map<number, GpuContext>();
  private readonly runners = new Map<AllReduceMethod, AllReduceRunner>();
  private readonly timer = new WorkTimer((gpu) => this.contextOf(gpu).madeGate());

  constructor(readonly device: DeviceFacts) {}

  gemm(shape: GemmShape, tokens: readonly number[], sms: readonly number[], progress: PointProgress): Promise<number[][]> {
    return this.guard(() => measureGemm(this.context(0), this.timer, shape, tokens, sms, progress));
  }

  attentionUnsupported(config: AttentionConfig): string | undefined {
    if (config.headDim !== ATTENTION_HEAD_DIM) return `the kernel handles head size ${ATTENTION_HEAD_DIM} only`;
    if (config.groupSize > ATTENTION_MAX_GROUP) return `the kernel handles at most ${ATTENTION_MAX_GROUP} query heads per KV head`;
    return undefined;
  }

  decodeAttention(config: AttentionConfig, points: readonly AttentionPoint[], sms: readonly number[], progress: PointProgress): Promise<number[][]> {
    return this.guard(() => measureDecodeAttention(this.context(0), this.timer, config, points, sms, progress));
  }

  elementwise(sms: readonly number[], progress: PointProgress): Promise<{ bandwidthTBs: number[]; launchUs: number }> {
    return this.guard(() => measureElementwise(this.context(0), this.timer, sms, progress));
  }

  elementwiseTable(kernel: ElementwiseKernel, tokens: readonly number[], sms: readonly number[], progress: PointProgress): Promise<MeasuredElementwise> {
    return this.guard(() => measureElementwiseTable(this.context(0), this.timer, kernel, tokens, sms, progress));
  }

  allReduce(method: AllReduceMethod, gpus: number, bytes: readonly number[], ctas: readonly number[], progress: PointProgress): Promise<number[][]> {
    return this.guard(() => measureAllReduce(this.ranks(gpus), this.runner(method), this.timer, this.device.partition.min, bytes, ctas, progress), gpus);
  }

  attentionInterference(partnerSms: readonly number[], gemmTokens: readonly number[], progress: PointProgress): Promise<InterferencePoint[]> {
    return this.guard(() => measureAttentionInterference(this.context(0), this.timer, partnerSms, gemmTokens, progress));
  }

  allReduceInterference(method: AllReduceMethod, partnerSms: readonly number[], progress: PointProgress): Promise<InterferencePoint[]> {
    const gpus = this.interferenceRanks();
    return this.guard(() => measureAllReduceInterference(this.ranks(gpus), this.runner(method), this.timer, partnerSms, this.device.partition.max, progress), gpus);
  }

  allReduceBesideAttention(method: AllReduceMethod, networkSms: readonly number[], memorySms: number, progress: PointProgress): Promise<AllReduceAttentionPoint[]> {
    const gpus = this.interferenceRanks();
    return this.guard(() => measureAllReduceAttentionInterference(this.ranks(gpus), this.runner(method), this.timer, networkSms, memorySms, progress), gpus);
  }

  laneSwitch(progress: PointProgress): Promise<LaneSwitchProfile> {
    return this.guard(() => measureLaneSwitch(this.context(0), this.timer, this.device.partition, progress));
  }

  sustainedLoad(progress: PointProgress): Promise<SustainedLoadProfile> {
    return this.guard(() => measureSustainedLoad(this.context(0), this.timer, progress));
  }

  methodNotes(sections: readonly ProfileSection[]): string[] {
    const { sms, partition, cublas, nccl } = this.device;
    const notes: Record<ProfileSection, () => string> = {
      gemm: () =>
        `cuBLAS ${cublas ?? ""} bf16, fp32 accumulation, bf16 output, with a handle whose SM count target is the share's size; ` +
        "each table's whole-GPU points first after its warm-up, then the warm-up again and the other shares ascending",
      attention: () => {
        const hash = createHash("sha256");
        for (const file of ATTENTION_SOURCES) hash.update(readFileSync(`${KERNELS_DIR}${file}`));
        return `native/kernels/decode_attention.cu or decode_attention_pairs.cu as the launch rule picks ` +
          `(${ATTENTION_SOURCES.join(", ")}: sha256 ${hash.digest("hex").slice(0, 12)}), pages of ${ATTENTION_PAGE_SIZE} keys, ` +
          "every request at the grid's context length, a block per SM of the share";
      },
      elementwise: () =>
        `bandwidthTBs: native/kernels/rmsnorm.cu over ${RMSNORM_CURVE_ROWS} rows of ${ELEMENTWISE_SHAPE.hiddenSize} (x read, out written), each input read from memory; ` +
        "launchUs is one launch on a single row, each repetition the next; tables: each kernel launched as the runtime launches it, at one Llama-2-70B TP8 shard's shape, " +
        "each input read from memory (repetitions of a small launch take the next rows of buffers twice the L2 size)",
      allreduce: () => {
        const nvls = process.env.NCCL_NVLS_ENABLE === undefined ? "" : ` (NCCL_NVLS_ENABLE=${process.env.NCCL_NVLS_ENABLE})`;
        return `NCCL ${nccl ?? ""} bf16 sum with maxCTAs = ctas, each rank on a partition of max(${partition.min}, ctas) SMs; ` +
          `ops queued behind a gate so host launch gaps stay out${nvls}`;
      },
      "attention-interference": () =>
        `GEMM ${INTERFERENCE_GEMM.n}x${INTERFERENCE_GEMM.k} at each gemmTokens rows on a split's group, beside decode attention ` +
        `(${INTERFERENCE_ATTENTION_POINT.requests} requests x ${INTERFERENCE_ATTENTION_POINT.context} keys, ${INTERFERENCE_ATTENTION.kvHeads} KV head ` +
        `x group ${INTERFERENCE_ATTENTION.groupSize}) on the remainder of partnerSms, as plans lay them out, and RMSNorm (${RMSNORM_CURVE_ROWS} rows of ${ELEMENTWISE_SHAPE.hiddenSize}) ` +
        `on the group beside it (elementwiseFactor, and attention beside it partnerElementwiseFactor, on each split's last point); ${FACTOR_NOTE}`,
      "allreduce-interference": () =>
        `${interferenceGemm()} on every GPU on a group of gemmSms (the largest one split grants, ${this.device.partition.max} SMs, less the partner), beside a ` +
        `${INTERFERENCE_ALL_REDUCE_BYTES / 2 ** 20} MiB all-reduce across ${this.interferenceRanks()} GPUs on a partner partition of the same split (NCCL CTAs = partner SMs), ` +
        `the other SMs idle, as tensor-parallel plans lay them out; ${FACTOR_NOTE}`,
      "allreduce-attention-interference": () =>
        `a ${ATTENTION_PAIR_ALL_REDUCE_BYTES / 2 ** 20} MiB all-reduce across ${this.interferenceRanks()} GPUs ` +
        `on a network partition of each (NCCL CTAs = its SMs), beside decode attention (${INTERFERENCE_ATTENTION_POINT.requests} requests x ` +
        `${INTERFERENCE_ATTENTION_POINT.context} keys) on a memory partition of each, both of one split, the other SMs idle; ${FACTOR_NOTE}`,
      "peer-allreduce": () =>
        "native/kernels/peer_sum.cu (bf16 sum in fp32, in place; each rank reads and writes its piece at every peer directly), one launch a rank on a partition of " +
        `max(${partition.min}, ctas) SMs, 2 blocks an SM, each rank's repetitions replayed from a CUDA graph of its own; ` +
        "tables, GEMM beside it and it beside decode attention measured as NCCL's are (the all-reduce, GEMM beside all-reduce and all-reduce beside decode attention notes)",
      "lane-switch": () =>
        "native/kernels/hold.cu (each block spins 5 us; one block per SM of its lane) chained in a CUDA graph, 8 switches a repetition: crossLaneUs, " +
        "alternating between a split's compute group and memory remainder (20 SMs), each kernel after an event of the other, less the same chain on one lane, per switch; " +
        "wholeGpu, every lane of a split of 2 (compute, memory) or 3 (compute, the smallest network group, memory) side by side then one kernel on the whole GPU " +
        "(a plain stream) waiting for all of them and they for it, less two kernels on one lane, per switch",
      "sustained-load": () =>
        `on all ${sms} SMs (a plain stream): decode attention (${INTERFERENCE_ATTENTION_POINT.requests} requests x ${INTERFERENCE_ATTENTION_POINT.context} keys) ` +
        `and RMSNorm (${RMSNORM_CURVE_ROWS} rows of ${ELEMENTWISE_SHAPE.hiddenSize}) each alone, factor = sustained / cool; ${interferenceGemm()} in a mix, ` +
        "it then the attention a repetition each, gemmFactor = (the mix sustained - the attention sustained) / the GEMM cool; " +
        "sequentialGemmFactors: the mix with native/kernels/hold.cu on every SM after the attention for networkShare of a repetition (a stand-in for all-reduces), " +
        "(the mix sustained - the hold - the attention sustained) / the GEMM cool; " +
        "sustained: the median of 7 windows of about 5 ms after half a second of the same untimed (the GPU at its power limit, as in a serving loop); " +
        "cool: the same windows after 300 ms idle (as the tables are measured)",
    };
    return [
      "timing: CUDA events around CUDA-graph replays of repetitions lasting at least 200 us, after a warm-up; the median of 3 to 5 runs; " +
        "operands random bf16 in [-1, 1); inputs smaller than twice the L2 cache rotate through copies so that none is read from L2",
      `SM shares: a green-context partition of each size (a share off the ${partition.granularity}-SM step is the remainder of one split, holding the unit groups a streaming read is fastest on, as in a plan); all ${sms} SMs is a plain stream`,
      ...sections.map((section) => methodNote(section, notes[section]())),
    ];
  }

  dispose(): void {
    for (const runner of this.runners.values()) runner.dispose();
    this.timer.dispose();
    for (const context of this.contexts.values()) context.dispose();
  }

  private runner(method: AllReduceMethod): AllReduceRunner {
    let runner = this.runners.get(method);
    if (!runner) {
      runner = allReduceRunner(method);
      this.runners.set(method, runner);
    }
    return runner;
  }

  /** The all-reduce beside GEMMs spans the most GPUs a table is measured for. */
  private interferenceRanks(): number {
    return [8, 4, 2].find((gpus) => gpus <= this.device.ordinals.length) ?? 1;
  }

  private context(rank: number): GpuContext {
    const ordinal = this.device.ordinals[rank]!;
    let context = this.contexts.get(ordinal);
    if (!context) {
      context = GpuContext.open(ordinal, this.device.partition);
      this.contexts.set(ordinal, context);
    }
    return context;
  }

  private ranks(count: number): GpuContext[] {
    return Array.from({ length: count }, (_, rank) => this.context(rank));
  }

  private contextOf(gpu: Gpu): GpuContext {
    const context = this.contexts.get(gpu.ordinal);
    if (!context) throw new Error(`GPU ${gpu.ordinal} is not one this profile opened`);
    return context;
  }

  /** Runs a measurement on GPUs brought up to clock, with failures explained. */
  private async guard<T>(measure: () => T | Promise<T>, gpus = 1): Promise<T> {
    try {
      for (const context of this.ranks(gpus)) {
        await context.partitions.rankMemoryGroups();
        context.warmUp();
      }
      return await measure();
    } catch (error) {
      throw explainGpuFailure(error);
    }
  }
}

function interferenceGemm(): string {
  return `GEMM ${INTERFERENCE_GEMM.n}x${INTERFERENCE_GEMM.k} at ${INTERFERENCE_TOKENS} tokens`;
}

function libraryVersions(report: SystemReport): Pick<DeviceFacts, "driver" | "cuda" | "cublas" | "nccl" | "nvrtc"> {
  const version = (name: string): string | undefined => report.libraries.find((library) => library.name === name && library.available)?.version;
  const out: Pick<DeviceFacts, "driver" | "cuda" | "cublas" | "nccl" | "nvrtc"> = {};
  if (report.driverVersion) out.driver = report.driverVersion;
  for (const [key, name] of [["cuda", "cuda"], ["cublas", "cublas"], ["nccl", "nccl"], ["nvrtc", "nvrtc"]] as const) {
    const value = version(name);
    if (value) out[key] = value;
  }
  return out;
}
