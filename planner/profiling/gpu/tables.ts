/** The single-GPU tables: GEMM, decode attention and the small kernels, on one GPU's SM shares. */
import type { GemmShape } from "../../model/shard.js";
import { kvBytes } from "../attention-grid.js";
import type { ElementwiseKernel } from "../../model/elementwise-kernels.js";
import type { AttentionPoint, MeasuredElementwise, PointProgress } from "../measurer.js";
import type { AttentionConfig } from "../targets.js";
import { AttentionOperands } from "./attention-operands.js";
import { elementwiseWorkload, RMSNORM_CURVE_ROWS } from "./elementwise-workloads.js";
import { GemmOperands } from "./gemm-operands.js";
import type { GpuContext } from "./gpu-context.js";
import type { SmShare } from "./partitions.js";
import type { WorkTimer } from "./timer.js";

/** [tokens][sms] microseconds. */
export function measureGemm(ctx: GpuContext, timer: WorkTimer, shape: GemmShape, tokens: readonly number[], sms: readonly number[], progress: PointProgress): number[][] {
  const operands = new GemmOperands(ctx.gpu, ctx.random, shape, Math.max(...tokens));
  try {
    return tokensBySms(ctx, tokens, sms, progress, (share, t) => timer.perRepUs(operands.workload(share.stream, share.cublas, t)));
  } finally {
    operands.dispose();
  }
}

/** [point][sms] microseconds. */
export async function measureDecodeAttention(
  ctx: GpuContext,
  timer: WorkTimer,
  config: AttentionConfig,
  points: readonly AttentionPoint[],
  sms: readonly number[],
  progress: PointProgress,
): Promise<number[][]> {
  const maxBytes = Math.max(...points.map((point) => kvBytes(config, point)));
  const operands = await AttentionOperands.create(ctx.gpu, ctx.kernels, ctx.random, config, maxBytes, ctx.setupStream);
  try {
    return points.map((point, i) =>
      sms.map((count, j) => {
        const time = timer.perRepUs(operands.workload(ctx.partitions.share(count).stream, count, point));
        progress(i * sms.length + j + 1, points.length * sms.length);
        return round(time);
      }),
    );
  } finally {
    operands.dispose();
  }
}

/** Bandwidth (read plus write) of RMSNorm by SM count, beyond the fixed cost of a one-row launch. */
export async function measureElementwise(ctx: GpuContext, timer: WorkTimer, sms: readonly number[], progress: PointProgress): Promise<{ bandwidthTBs: number[]; launchUs: number }> {
  const norm = await elementwiseWorkload(ctx, "rmsnorm", RMSNORM_CURVE_ROWS);
  try {
    const timeUs = (count: number, rows: number): number => timer.perRepUs(norm.on(ctx.partitions.share(count), rows));
    const launchUs = timeUs(ctx.gpu.info.smCount, 1);
    const bandwidthTBs = sms.map((count, j) => {
      const us = timeUs(count, RMSNORM_CURVE_ROWS);
      progress(j + 1, sms.length);
      return round((norm.bytesPerToken * RMSNORM_CURVE_ROWS) / (Math.max(us - launchUs, 1e-3) * 1e6));
    });
    return { bandwidthTBs, launchUs: round(launchUs) };
  } finally {
    norm.dispose();
  }
}

/** [tokens][sms] microseconds of one element-wise kernel at the shape elementwise-workloads.ts measures. */
export async function measureElementwiseTable(
  ctx: GpuContext,
  timer: WorkTimer,
  kernel: ElementwiseKernel,
  tokens: readonly number[],
  sms: readonly number[],
  progress: PointProgress,
): Promise<MeasuredElementwise> {
  const workload = await elementwiseWorkload(ctx, kernel, Math.max(...tokens));
  try {
    const timeUs = tokensBySms(ctx, tokens, sms, progress, (share, t) => timer.perRepUs(workload.on(share, t)));
    return { bytesPerToken: workload.bytesPerToken, shape: workload.shape, timeUs };
  } finally {
    workload.dispose();
  }
}

/**
 * [tokens][sms] microseconds of `timeUs` at every point; each share's points together, so its
 * partition is made once. The whole GPU's points go first, while the clocks are those of the warm-up
 * before the table, and the warm-up runs again after them: measured last, after the big shares'
 * points, a big GEMM's whole-GPU points read up to 1.21x their time cool on an H200, the power
 * limiter already lowering the clocks, where the sustained-load factors take the tables as cool.
 * (The big shares short of the whole GPU, still measured after the smaller ones, read up to 1.10x:
 * bench/results/2026-11-22-session29-sequential-clocks/.)
 */
function tokensBySms(
  ctx: GpuContext,
  tokens: readonly number[],
  sms: readonly number[],
  progress: PointProgress,
  timeUs: (share: SmShare, tokens: number) => number,
): number[][] {
  const times = tokens.map(() => sms.map(() => 0));
  const whole = sms.indexOf(ctx.gpu.info.smCount);
  const order = whole < 0 ? sms.map((_, j) => j) : [whole, ...sms.map((_, j) => j).filter((j) => j !== whole)];
  order.forEach((j, done) => {
    const share = ctx.partitions.share(sms[j]!);
    tokens.forEach((t, i) => {
      times[i]![j] = round(timeUs(share, t));
      progress(done * tokens.length + i + 1, tokens.length * sms.length);
    });
    if (j === whole && order.length > 1) ctx.warmUp();
  });
  return times;
}

/** Three decimals: nanoseconds of a microsecond time. */
export function round(value: number): number {
  return Math.round(value * 1000) / 1000;
}
