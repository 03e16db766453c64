/**
 * How much slower work runs on the whole GPU at a serving loop's sustained load than cool: the
 * co-running pairs' GEMM, their decode attention and RMSNorm, each alone on every SM, timed in a
 * window after half a second of itself (the GPU at its power limit, clocks lowered) over the same
 * window after idling (as the tables are measured).
 */
import { kvBytes } from "../attention-grid.js";
import type { SustainedLoadProfile } from "../../profile/schema.js";
import type { PointProgress } from "../measurer.js";
import { AttentionOperands } from "./attention-operands.js";
import { INTERFERENCE_ATTENTION, INTERFERENCE_ATTENTION_POINT, INTERFERENCE_GEMM, INTERFERENCE_TOKENS } from "./collectives.js";
import { elementwiseWorkload, RMSNORM_CURVE_ROWS } from "./elementwise-workloads.js";
import { GemmOperands } from "./gemm-operands.js";
import type { GpuContext } from "./gpu-context.js";
import { round } from "./tables.js";
import type { WorkTimer } from "./timer.js";
import type { Workload } from "./workload.js";

export async function measureSustainedLoad(ctx: GpuContext, timer: WorkTimer, progress: PointProgress): Promise<SustainedLoadProfile> {
  await ctx.readyGate();
  const sms = ctx.gpu.info.smCount;
  const whole = ctx.partitions.share(sms);
  const gemm = new GemmOperands(ctx.gpu, ctx.random, INTERFERENCE_GEMM, INTERFERENCE_TOKENS);
  const attention = await AttentionOperands.create(ctx.gpu, ctx.kernels, ctx.random, INTERFERENCE_ATTENTION, kvBytes(INTERFERENCE_ATTENTION, INTERFERENCE_ATTENTION_POINT), ctx.setupStream);
  const norm = await elementwiseWorkload(ctx, "rmsnorm", RMSNORM_CURVE_ROWS);
  try {
    const works: Workload[] = [
      gemm.workload(whole.stream, whole.cublas, INTERFERENCE_TOKENS),
      attention.workload(whole.stream, sms, INTERFERENCE_ATTENTION_POINT),
      norm.on(whole, RMSNORM_CURVE_ROWS),
    ];
    const [gemmFactor, attentionFactor, elementwiseFactor] = works.map((work, i) => {
      const aloneUs = timer.perRepUs(work);
      const factor = round(timer.sustainedWindowUs(work, aloneUs) / timer.windowUs(work, aloneUs));
      progress(i + 1, works.length);
      return factor;
    });
    return { gemmFactor: gemmFactor!, attentionFactor: attentionFactor!, elementwiseFactor: elementwiseFactor! };
  } finally {
    gemm.dispose();
    attention.dispose();
    norm.dispose();
  }
}
