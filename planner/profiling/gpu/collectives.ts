/**
 * All-reduce across GPUs and the GEMM-beside-partner interference measurements. The partner of a
 * GEMM is what plans put beside it: decode attention on a memory partition, or an all-reduce (by
 * either method the runtime runs: all-reduce-runners.ts) on a network partition of every GPU, each
 * split once with the GEMM on the SMs left.
 */
import { REFERENCE_INTERFERENCE_GEMM_TOKENS, type AllReduceAttentionPoint, type InterferencePoint } from "../../profile/schema.js";
import { kvBytes } from "../attention-grid.js";
import type { AttentionPoint, PointProgress } from "../measurer.js";
import type { AttentionConfig } from "../targets.js";
import { AttentionOperands } from "./attention-operands.js";
import { AllReduceBuffers, type AllReduceRunner } from "./all-reduce-runners.js";
import { elementwiseWorkload, RMSNORM_CURVE_ROWS, type ElementwiseWorkload } from "./elementwise-workloads.js";
import { GemmOperands } from "./gemm-operands.js";
import type { GpuContext } from "./gpu-context.js";
import { round } from "./tables.js";
import type { WorkTimer } from "./timer.js";
import { graphWorkload, type Workload } from "./workload.js";

/** The co-running pairs are the Llama-2-70B TP8 layer of DESIGN.md at 2048 tokens, context 1024. */
export const INTERFERENCE_GEMM = { n: 7168, k: 8192 };
export const INTERFERENCE_TOKENS = REFERENCE_INTERFERENCE_GEMM_TOKENS;
export const INTERFERENCE_ATTENTION: AttentionConfig = { headDim: 128, groupSize: 8, kvHeads: 1 };
export const INTERFERENCE_ATTENTION_POINT: AttentionPoint = { requests: 2048, context: 1024 };
/** The layer's all-reduce: 2048 tokens of hidden size 8192 in bf16. */
export const INTERFERENCE_ALL_REDUCE_BYTES = 2048 * 8192 * 2;
/**
 * Beside attention, the all-reduce of one of four nano-batches (512 tokens), as tensor-parallel plans
 * run it: a small all-reduce is bound by latency, which attention's load on memory raises.
 */
export const ATTENTION_PAIR_ALL_REDUCE_BYTES = 512 * 8192 * 2;

/** [bytes][ctas] microseconds across contexts' GPUs, each rank on a partition of `ctas` SMs (at least the smallest). */
export async function measureAllReduce(
  contexts: readonly GpuContext[],
  runner: AllReduceRunner,
  timer: WorkTimer,
  partitionMin: number,
  bytes: readonly number[],
  ctas: readonly number[],
  progress: PointProgress,
): Promise<number[][]> {
  await readyGates(contexts);
  const buffers = new AllReduceBuffers(contexts, Math.max(...bytes) / 2);
  try {
    const times = bytes.map(() => ctas.map(() => 0));
    for (const [j, limit] of ctas.entries()) {
      const sms = Math.max(partitionMin, limit);
      const streams = contexts.map((ctx) => ctx.partitions.share(sms).stream);
      const works: Workload[] = [];
      for (const size of bytes) works.push(await runner.workload(contexts, streams, buffers, size / 2, sms));
      // NCCL connects its channels on first use: a few rounds of every size first, untimed.
      for (let round = 0; round < 3; round++) for (const work of works) work.queueOne(0);
      for (const stream of streams) stream.synchronize();
      works.forEach((work, i) => {
        times[i]![j] = round(timer.perRepUs(work));
        progress(j * bytes.length + i + 1, ctas.length * bytes.length);
      });
    }
    return times;
  } finally {
    buffers.dispose();
  }
}

/**
 * The GEMM at each of `gemmTokens` rows, and RMSNorm in its place, beside decode attention on one
 * GPU, laid out as plans lay them out: the GEMM on a split's group, attention on the remainder of
 * `partnerSms`. (A GEMM on a remainder runs up to twice as slow, draws less and so is slowed less:
 * measured that way, the factors came out below what plans meet.)
 */
export function measureAttentionInterference(
  ctx: GpuContext,
  timer: WorkTimer,
  partnerSms: readonly number[],
  gemmTokens: readonly number[],
  progress: PointProgress,
): Promise<InterferencePoint[]> {
  if (gemmTokens.length === 0 || gemmTokens.some((tokens) => tokens > INTERFERENCE_TOKENS)) {
    throw new Error(`GEMM beside attention is measured at 1 to ${INTERFERENCE_TOKENS} rows, not [${gemmTokens.join(", ")}]`);
  }
  return withPairOperands(ctx, ({ gemm, attention, norm }) => {
    const points: InterferencePoint[] = [];
    for (const sms of partnerSms) {
      const { group: compute, remainder: memory } = ctx.partitions.split(ctx.gpu.info.smCount - sms);
      const attentionWork = attention.workload(memory.stream, sms, INTERFERENCE_ATTENTION_POINT);
      for (const tokens of gemmTokens) {
        points.push({ ...factors(timer, sms, gemm.workload(compute.stream, compute.cublas, tokens), attentionWork), gemmTokens: tokens });
        progress(points.length, partnerSms.length * gemmTokens.length);
      }
      // RMSNorm runs in the GEMM's place, whatever its rows: once a split, on its last point.
      const normWork = norm.on(compute, RMSNORM_CURVE_ROWS);
      const last = points.at(-1)!;
      last.elementwiseFactor = besideFactor(timer, normWork, attentionWork);
      last.partnerElementwiseFactor = besideFactor(timer, attentionWork, normWork);
    }
    return points;
  });
}

/** The co-running pairs' operands on one GPU: their GEMM, their decode attention and RMSNorm (the element-wise probe). */
export interface PairOperands {
  gemm: GemmOperands;
  attention: AttentionOperands;
  norm: ElementwiseWorkload;
}

/** `use` of the co-running pairs' operands on `ctx`'s GPU, with its gate ready; they are freed after. */
export async function withPairOperands<T>(ctx: GpuContext, use: (operands: PairOperands) => T): Promise<T> {
  await ctx.readyGate();
  const gemm = new GemmOperands(ctx.gpu, ctx.random, INTERFERENCE_GEMM, INTERFERENCE_TOKENS);
  const bytes = kvBytes(INTERFERENCE_ATTENTION, INTERFERENCE_ATTENTION_POINT);
  const attention = await AttentionOperands.create(ctx.gpu, ctx.kernels, ctx.random, INTERFERENCE_ATTENTION, bytes, ctx.setupStream);
  const norm = await elementwiseWorkload(ctx, "rmsnorm", RMSNORM_CURVE_ROWS);
  try {
    return use({ gemm, attention, norm });
  } finally {
    gemm.dispose();
    attention.dispose();
    norm.dispose();
  }
}

/**
 * The GEMM on every GPU beside an all-reduce across them, laid out as tensor-parallel plans lay them
 * out: the all-reduce on a partition of `partnerSms` (NCCL's CTAs capped there), the GEMM on the
 * largest group one split grants beside it (`largestSplitSms` less the partner), the SMs a plan would
 * give attention idle. (Measured with the GEMM on all the SMs the partner left, a group that no
 * plan gives it, the factors came out for a GEMM larger than plans run.)
 */
export async function measureAllReduceInterference(
  contexts: readonly GpuContext[],
  runner: AllReduceRunner,
  timer: WorkTimer,
  partnerSms: readonly number[],
  largestSplitSms: number,
  progress: PointProgress,
): Promise<InterferencePoint[]> {
  await readyGates(contexts);
  const gemms = contexts.map((ctx) => new GemmOperands(ctx.gpu, ctx.random, INTERFERENCE_GEMM, INTERFERENCE_TOKENS));
  const buffers = new AllReduceBuffers(contexts, INTERFERENCE_ALL_REDUCE_BYTES / 2);
  try {
    const points: InterferencePoint[] = [];
    for (const [i, sms] of partnerSms.entries()) {
      const gemmSms = largestSplitSms - sms;
      const pairs = contexts.map((ctx) => ctx.partitions.pair(gemmSms, sms));
      const gemm = graphWorkload(
        pairs.map(([compute]) => compute.stream),
        (rank, rep) => gemms[rank]!.queue(pairs[rank]![0].stream, pairs[rank]![0].cublas, INTERFERENCE_TOKENS, rep),
        gemms[0]!.rotation,
      );
      const streams = pairs.map(([, network]) => network.stream);
      const allReduce = await runner.workload(contexts, streams, buffers, INTERFERENCE_ALL_REDUCE_BYTES / 2, sms);
      points.push({ ...factors(timer, sms, gemm, allReduce), gemmSms });
      progress(i + 1, partnerSms.length);
    }
    return points;
  } finally {
    gemms.forEach((gemm) => gemm.dispose());
    buffers.dispose();
  }
}

/**
 * An all-reduce across the contexts' GPUs on a network partition of each, beside decode attention
 * on a memory partition of each (as a tensor-parallel plan runs them), the rest of the SMs idle.
 */
export async function measureAllReduceAttentionInterference(
  contexts: readonly GpuContext[],
  runner: AllReduceRunner,
  timer: WorkTimer,
  networkSms: readonly number[],
  memorySms: number,
  progress: PointProgress,
): Promise<AllReduceAttentionPoint[]> {
  await readyGates(contexts);
  const bytes = kvBytes(INTERFERENCE_ATTENTION, INTERFERENCE_ATTENTION_POINT);
  const attentions: AttentionOperands[] = [];
  const buffers = new AllReduceBuffers(contexts, ATTENTION_PAIR_ALL_REDUCE_BYTES / 2);
  try {
    for (const ctx of contexts) attentions.push(await AttentionOperands.create(ctx.gpu, ctx.kernels, ctx.random, INTERFERENCE_ATTENTION, bytes, ctx.setupStream));
    const points: AllReduceAttentionPoint[] = [];
    for (const [i, sms] of networkSms.entries()) {
      const pairs = contexts.map((ctx) => ctx.partitions.pair(sms, memorySms));
      const attention = graphWorkload(
        pairs.map(([, memory]) => memory.stream),
        (rank, rep) => attentions[rank]!.queue(pairs[rank]![1].stream, memorySms, INTERFERENCE_ATTENTION_POINT, rep),
        attentions[0]!.rotation(INTERFERENCE_ATTENTION_POINT),
      );
      const streams = pairs.map(([network]) => network.stream);
      const allReduce = await runner.workload(contexts, streams, buffers, ATTENTION_PAIR_ALL_REDUCE_BYTES / 2, sms);
      const { gemmFactor, partnerFactor } = factors(timer, sms, attention, allReduce);
      points.push({ networkSms: sms, memorySms, allReduceFactor: partnerFactor, attentionFactor: gemmFactor });
      progress(i + 1, networkSms.length);
    }
    return points;
  } finally {
    attentions.forEach((attention) => attention.dispose());
    buffers.dispose();
  }
}

/**
 * One GPU after another: compiling the same kernel for several GPUs at once races on its cache file
 * (runtime/gpu/kernelCache.ts names the temporary file by process and millisecond).
 */
async function readyGates(contexts: readonly GpuContext[]): Promise<void> {
  for (const ctx of contexts) await ctx.readyGate();
}

/**
 * Each side's time beside the other over its time alone in the same window, on the same partitions
 * (`gemm`: the first side).
 */
function factors(timer: WorkTimer, partnerSms: number, gemm: Workload, partner: Workload): InterferencePoint {
  const gemmAlone = timer.perRepUs(gemm);
  const partnerAlone = timer.perRepUs(partner);
  return {
    partnerSms,
    gemmFactor: besideFactor(timer, gemm, partner, gemmAlone, partnerAlone),
    partnerFactor: besideFactor(timer, partner, gemm, partnerAlone, gemmAlone),
  };
}

/** `measured`'s time beside `other` over its time alone in the same window. */
function besideFactor(timer: WorkTimer, measured: Workload, other: Workload, measuredAlone = timer.perRepUs(measured), otherAlone = timer.perRepUs(other)): number {
  return round(timer.windowUs(measured, measuredAlone, { work: other, aloneUs: otherAlone }) / timer.windowUs(measured, measuredAlone));
}
