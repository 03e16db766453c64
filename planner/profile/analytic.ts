/**
 * A profile derived from a GPU's specs when no measured one exists: a roofline per kind of work,
 * with efficiency curves stated below and in the profile's notes. Same format as a measurement, so
 * the planner cannot tell them apart except by `source: "analytic"`.
 */
import type { GpuSpec } from "../config/index.js";
import type { GemmShape } from "../model/shard.js";
import { interpolate1d } from "./interpolate.js";
import { PROFILE_SCHEMA_ID, type Profile } from "./schema.js";

export interface AnalyticProfileRequest {
  gemmShapes: readonly GemmShape[];
  /** Decode attention kernels to tabulate: head size, query heads per KV head, KV heads per GPU. */
  attention: readonly { headDim: number; groupSize: number; kvHeads: number }[];
  allReduceGpus: readonly number[];
  toolVersion: string;
}

/**
 * Fraction of the GPU's streaming-read bandwidth that N SMs pull (one 1024-thread block per SM,
 * 16-byte loads), measured on an H200 (DESIGN.md): 8 SMs 1.26, 16 2.24, 24 3.03, 32 3.67,
 * 48 4.44, 132 4.68 TB/s. Per-SM bandwidth is a property of the SM, so the curve is used by SM count.
 */
const READ_FRACTION_SMS = [8, 16, 24, 32, 48, 132];
const READ_FRACTION = [1.26, 2.24, 3.03, 3.67, 4.44, 4.68].map((x) => x / 4.68);
/** Streaming reads reach 97.5% of the datasheet bandwidth (H200: 4.68 of 4.8 TB/s). */
const READ_EFFICIENCY = 0.975;
/** cuBLAS bf16 GEMM at large sizes: about 790 of 989 TFLOP/s (DESIGN.md, 8192^3 on H100/H200). */
const GEMM_EFFICIENCY = 0.8;
/** Our decode attention's target: 85% of the read limit of its partition. */
const ATTENTION_EFFICIENCY = 0.85;
const PREFILL_ATTENTION_EFFICIENCY = 0.45;
/** Small kernels read and write; they reach less of the read limit. */
const ELEMENTWISE_EFFICIENCY = 0.75;
const LAUNCH_US = 4;
/** NCCL moves about 20 GB/s per CTA on NVLink until the links saturate at 75% of their rate. */
const NCCL_GBS_PER_CTA = 20;
const NCCL_LINK_EFFICIENCY = 0.75;

const GEMM_TOKENS = [16, 32, 64, 128, 256, 384, 512, 768, 1024, 1536, 2048, 3072, 4096, 6144, 8192];
const ATTENTION_REQUESTS = [16, 64, 128, 256, 512, 1024, 2048, 4096, 8192];
const ATTENTION_CONTEXT = [128, 256, 512, 1024, 2048, 4096, 8192, 16384];
const ALL_REDUCE_BYTES = [2 ** 16, 2 ** 18, 2 ** 20, 2 ** 22, 2 ** 24, 2 ** 26, 2 ** 28];
const ALL_REDUCE_CTAS = [1, 2, 4, 8, 16, 24, 32];

export function analyticProfile(gpu: GpuSpec, request: AnalyticProfileRequest): Profile {
  const sms = smAxis(gpu);
  const readTBs = (s: number): number =>
    gpu.memoryBandwidthTBs * READ_EFFICIENCY * Math.min(1, interpolate1d(READ_FRACTION_SMS, READ_FRACTION, s));
  const flops = (s: number): number => gpu.bf16DenseTflops * 1e12 * (s / gpu.sms);

  const gemmUs = (n: number, k: number, tokens: number, s: number): number => {
    const compute = (2 * tokens * n * k) / (flops(s) * GEMM_EFFICIENCY);
    const memory = ((tokens * k + n * k + tokens * n) * 2) / (readTBs(s) * 1e12);
    return LAUNCH_US + Math.max(compute, memory) * 1e6;
  };
  const attentionUs = (requests: number, context: number, kvHeads: number, headDim: number, s: number): number => {
    const bytes = requests * context * kvHeads * headDim * 2 * 2;
    return LAUNCH_US + (bytes / (readTBs(s) * 1e12 * ATTENTION_EFFICIENCY)) * 1e6;
  };
  const busGBs = (ctas: number): number => Math.min(gpu.interconnect.busBandwidthGBs * NCCL_LINK_EFFICIENCY, NCCL_GBS_PER_CTA * ctas);
  const allReduceUs = (bytes: number, gpus: number, ctas: number): number =>
    8 + 2 * (gpus - 1) + ((bytes * 2 * (gpus - 1)) / gpus / (busGBs(ctas) * 1e9)) * 1e6;

  return {
    schema: PROFILE_SCHEMA_ID,
    source: "analytic",
    provenance: {
      gpu: gpu.name,
      sms: gpu.sms,
      memoryGiB: gpu.memoryGiB,
      computeCapability: gpu.computeCapability,
      date: new Date().toISOString(),
      tool: `nanoweave ${request.toolVersion}`,
      notes: [
        `roofline from ${gpu.id}'s specs: ${gpu.bf16DenseTflops} TFLOP/s bf16, ${gpu.memoryBandwidthTBs} TB/s, ${gpu.interconnect.busBandwidthGBs} GB/s links`,
        `GEMM: max(FLOPs / (${GEMM_EFFICIENCY} x peak x SMs/${gpu.sms}), bytes / read limit of the SMs) + ${LAUNCH_US} us`,
        "read limit by SM count: the H200 streaming-read curve of DESIGN.md scaled to this GPU's bandwidth",
        `decode attention: KV bytes at ${ATTENTION_EFFICIENCY} of the partition's read limit; prefill attention at ${PREFILL_ATTENTION_EFFICIENCY} of peak`,
        `all-reduce: ring bytes at min(${NCCL_GBS_PER_CTA} GB/s per CTA, ${NCCL_LINK_EFFICIENCY} x link rate)`,
        "interference: GEMM +5% beside attention, +2% beside all-reduce; attention +10%, all-reduce +20%; " +
          "all-reduce beside attention +20%, attention beside it +5% (assumed, not measured)",
      ],
    },
    partition: gpu.partition,
    gemm: dedupe(request.gemmShapes).map(({ n, k }) => ({
      n,
      k,
      tokens: GEMM_TOKENS,
      sms,
      timeUs: GEMM_TOKENS.map((t) => sms.map((s) => round(gemmUs(n, k, t, s)))),
    })),
    decodeAttention: dedupeBy(request.attention, (a) => `${a.headDim}/${a.groupSize}/${a.kvHeads}`).map((a) => ({
      ...a,
      requests: ATTENTION_REQUESTS,
      context: ATTENTION_CONTEXT,
      sms,
      timeUs: ATTENTION_REQUESTS.map((r) => ATTENTION_CONTEXT.map((c) => sms.map((s) => round(attentionUs(r, c, a.kvHeads, a.headDim, s))))),
    })),
    prefillAttention: {
      headDim: 128,
      sms,
      tflops: sms.map((s) => round((flops(s) * PREFILL_ATTENTION_EFFICIENCY) / 1e12)),
    },
    elementwise: { sms, bandwidthTBs: sms.map((s) => round(readTBs(s) * ELEMENTWISE_EFFICIENCY)), launchUs: LAUNCH_US },
    allReduce: [...new Set(request.allReduceGpus)].filter((g) => g > 1).sort((a, b) => a - b).map((gpus) => ({
      gpus,
      bytes: ALL_REDUCE_BYTES,
      ctas: ALL_REDUCE_CTAS,
      timeUs: ALL_REDUCE_BYTES.map((b) => ALL_REDUCE_CTAS.map((c) => round(allReduceUs(b, gpus, c)))),
    })),
    interference: {
      // No elementwiseFactor: element-wise kernels take the GEMM's (a measured one made the A100's
      // 8-GPU MILP miss its 8 s budget, for a plan within 0.7% of the same).
      gemmWithAttention: [8, 64].map((partnerSms) => ({ partnerSms, gemmFactor: 1.05, partnerFactor: 1.1 })),
      gemmWithAllReduce: [8, 32].map((partnerSms) => ({ partnerSms, gemmFactor: 1.02, partnerFactor: 1.2 })),
      allReduceWithAttention: [8, 32].map((networkSms) => ({ networkSms, memorySms: 24, allReduceFactor: 1.2, attentionFactor: 1.05 })),
    },
  };
}

/** The SM counts a partition can hold on this GPU, plus the whole GPU. */
export function smAxis(gpu: GpuSpec): number[] {
  const out: number[] = [];
  for (let s = gpu.partition.min; s < gpu.sms; s += gpu.partition.granularity) out.push(s);
  out.push(gpu.sms);
  return out;
}

function dedupe(shapes: readonly GemmShape[]): GemmShape[] {
  return dedupeBy(shapes, (s) => `${s.n}x${s.k}`).sort((a, b) => a.n - b.n || a.k - b.k);
}

function dedupeBy<T>(items: readonly T[], key: (item: T) => string): T[] {
  return [...new Map(items.map((item) => [key(item), item])).values()];
}

function round(x: number): number {
  return Math.round(x * 1000) / 1000;
}
