/**
 * How much slower work runs on the whole GPU at a serving loop's sustained load than cool: each
 * timed in windows after half a second of the same untimed (the GPU at its power limit, clocks
 * lowered) over the same windows after idling (as the tables are measured).
 *
 * Attention and RMSNorm are timed alone. The GEMM is timed in a layer's mix, the co-running pairs'
 * GEMM then their decode attention, and takes what the mix's sustained window has beyond the
 * attention's sustained time: a serving loop alternates its GEMMs with attention, whose lower draw
 * lets the clocks rise between them. On an H200 the GEMM run alone for half a second slowed
 * 1.16-1.17x, inside the mix 1.11-1.13x, and sequential layers ran within 3.5% of what the mix
 * predicts (bench/results/2026-11-21-session23-sustained-load/).
 *
 * A pipelined plan holds the GPU at lower clocks than that loop: its GEMMs co-run with attention on a
 * split most of the time, and its whole-GPU GEMMs between those phases ran 1.08-1.21x what the
 * sequential factor predicts (kernel traces, bench/results/2026-11-21-session24-where-time-goes/).
 * So the same GEMM at a nano-batch's rows is also timed on the whole GPU inside a plan's mix: the
 * co-running pair on a split (GEMM beside attention on PIPELINE_MEMORY_SMS), then the GEMM alone
 * on every SM; the mix's sustained time less the pair's, over the GEMM's time cool.
 *
 * A tensor-parallel sequential layer runs cooler than the one-GPU loop: its all-reduces draw little,
 * so the clocks rise between its GEMMs (on 4 x H200 its GEMMs ran at 1755-1860 MHz against a
 * one-GPU sequential layer's 1560, bench/results/2026-11-22-session28-per-gpu-clocks/). So the
 * sequential mix is also timed with the hold kernel (native/kernels/hold.cu) on every SM after the
 * attention, for a share of each repetition, as a stand-in for the all-reduces.
 */
import type { SustainedLoadProfile } from "../../profile/schema.js";
import type { Stream } from "../../../runtime/gpu/index.js";
import type { PointProgress } from "../measurer.js";
import { INTERFERENCE_ATTENTION_POINT, INTERFERENCE_TOKENS, withPairOperands, type PairOperands } from "./collectives.js";
import { RMSNORM_CURVE_ROWS } from "./elementwise-workloads.js";
import type { GpuContext } from "./gpu-context.js";
import { round } from "./tables.js";
import type { WorkTimer } from "./timer.js";
import { graphWorkload, type Workload } from "./workload.js";

/** The memory partition the Llama-2-70B TP8 shard plans give attention on an H100 and an H200. */
const PIPELINE_MEMORY_SMS = 20;
/**
 * Shares of a sequential repetition held, standing in for all-reduces: Llama-2-70B's sequential
 * layers on H200s spend about 6-7% (TP2) and 15% (TP4) of their time in them.
 */
const NETWORK_SHARES = [0.05, 0.15, 0.3];

export async function measureSustainedLoad(ctx: GpuContext, timer: WorkTimer, progress: PointProgress): Promise<SustainedLoadProfile> {
  const hold = await ctx.kernels.hold();
  const sink = ctx.gpu.allocate("int32", 1);
  try {
    return await withPairOperands(ctx, (operands) => measureFactors(ctx, timer, operands, (stream, us) => hold(stream, ctx.gpu.info.smCount, Math.round(us * 1000), sink), progress));
  } finally {
    sink.dispose();
  }
}

function measureFactors(
  ctx: GpuContext,
  timer: WorkTimer,
  { gemm, attention, norm }: PairOperands,
  holdAllSms: (stream: Stream, us: number) => void,
  progress: PointProgress,
): SustainedLoadProfile {
  const sms = ctx.gpu.info.smCount;
  const whole = ctx.partitions.share(sms);
  const { stream, cublas } = whole;
  const point = INTERFERENCE_ATTENTION_POINT;
  const steps = 5 + NETWORK_SHARES.length;

  const attentionWindows = windowsOf(timer, attention.workload(stream, sms, point));
  const attentionSustainedUs = attentionWindows.sustainedUs();
  const attentionFactor = attentionSustainedUs / attentionWindows.coolUs();
  progress(1, steps);
  const normWindows = windowsOf(timer, norm.on(whole, RMSNORM_CURVE_ROWS));
  const elementwiseFactor = normWindows.sustainedUs() / normWindows.coolUs();
  progress(2, steps);
  const gemmCoolUs = windowsOf(timer, gemm.workload(stream, cublas, INTERFERENCE_TOKENS)).coolUs();
  progress(3, steps);
  // A repetition of the sequential mix, then the stand-in for all-reduces, when `holdUs` > 0.
  const mix = (holdUs: number) =>
    graphWorkload([stream], (_, rep) => {
      gemm.queue(stream, cublas, INTERFERENCE_TOKENS, rep);
      attention.queue(stream, sms, point, rep);
      if (holdUs > 0) holdAllSms(stream, holdUs);
    }, pairRotation(gemm, attention));
  const mixSustainedUs = windowsOf(timer, mix(0)).sustainedUs();
  const gemmFactor = (mixSustainedUs - attentionSustainedUs) / gemmCoolUs;
  progress(4, steps);
  const pipelinedGemmFactor = measurePipelinedGemmFactor(ctx, timer, gemm, attention);
  progress(5, steps);
  const sequentialGemmFactors = NETWORK_SHARES.map((share, i) => {
    const holdUs = (share / (1 - share)) * mixSustainedUs;
    const heldMixUs = windowsOf(timer, mix(holdUs)).sustainedUs();
    progress(6 + i, steps);
    // The share as it came out: the GEMM's faster clocks shorten the rest of the repetition.
    return { networkShare: round(holdUs / heldMixUs), gemmFactor: round((heldMixUs - holdUs - attentionSustainedUs) / gemmCoolUs) };
  });
  return {
    gemmFactor: round(gemmFactor),
    pipelinedGemmFactor: round(pipelinedGemmFactor),
    sequentialGemmFactors,
    attentionFactor: round(attentionFactor),
    elementwiseFactor: round(elementwiseFactor),
  };
}

/** The GEMM at a nano-batch's rows on the whole GPU between co-running split phases, sustained, over its time cool. */
function measurePipelinedGemmFactor(ctx: GpuContext, timer: WorkTimer, gemm: PairOperands["gemm"], attention: PairOperands["attention"]): number {
  const whole = ctx.partitions.share(ctx.gpu.info.smCount);
  const { group: compute, remainder: memory } = ctx.partitions.split(ctx.gpu.info.smCount - PIPELINE_MEMORY_SMS);
  const point = INTERFERENCE_ATTENTION_POINT;
  const nanoBatchTokens = INTERFERENCE_TOKENS / 2;
  const [fork, computeDone, memoryDone] = [ctx.gpu.createEvent(), ctx.gpu.createEvent(), ctx.gpu.createEvent()];
  try {
    // The pair forks from the whole GPU's stream and joins it again, as a plan's lanes do.
    const pair = (rep: number) => {
      fork.record(whole.stream);
      compute.stream.waitFor(fork);
      memory.stream.waitFor(fork);
      gemm.queue(compute.stream, compute.cublas, INTERFERENCE_TOKENS, rep);
      attention.queue(memory.stream, PIPELINE_MEMORY_SMS, point, rep);
      computeDone.record(compute.stream);
      memoryDone.record(memory.stream);
      whole.stream.waitFor(computeDone);
      whole.stream.waitFor(memoryDone);
    };
    const rotation = pairRotation(gemm, attention);
    const pairUs = windowsOf(timer, graphWorkload([whole.stream], (_, rep) => pair(rep), rotation)).sustainedUs();
    const mixUs = windowsOf(timer, graphWorkload([whole.stream], (_, rep) => {
      pair(rep);
      gemm.queue(whole.stream, whole.cublas, nanoBatchTokens, rep);
    }, rotation)).sustainedUs();
    return (mixUs - pairUs) / windowsOf(timer, gemm.workload(whole.stream, whole.cublas, nanoBatchTokens)).coolUs();
  } finally {
    for (const event of [fork, computeDone, memoryDone]) event.dispose();
  }
}

/** `work`'s windows, sized by its time alone (measured once, here): cool, as the tables are, and after sustained load. */
function windowsOf(timer: WorkTimer, work: Workload): { coolUs(): number; sustainedUs(): number } {
  const aloneUs = timer.perRepUs(work);
  return { coolUs: () => timer.windowUs(work, aloneUs), sustainedUs: () => timer.sustainedWindowUs(work, aloneUs) };
}

/** Repetitions that give every rep of a GEMM-and-attention mix its own operands. */
function pairRotation(gemm: PairOperands["gemm"], attention: PairOperands["attention"]): number {
  return Math.max(gemm.rotation, attention.rotation(INTERFERENCE_ATTENTION_POINT));
}
