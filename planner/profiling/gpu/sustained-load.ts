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
 */
import type { SustainedLoadProfile } from "../../profile/schema.js";
import type { PointProgress } from "../measurer.js";
import { INTERFERENCE_ATTENTION_POINT, INTERFERENCE_TOKENS, withPairOperands } from "./collectives.js";
import { RMSNORM_CURVE_ROWS } from "./elementwise-workloads.js";
import type { GpuContext } from "./gpu-context.js";
import { round } from "./tables.js";
import type { WorkTimer } from "./timer.js";
import { graphWorkload, type Workload } from "./workload.js";

export function measureSustainedLoad(ctx: GpuContext, timer: WorkTimer, progress: PointProgress): Promise<SustainedLoadProfile> {
  return withPairOperands(ctx, ({ gemm, attention, norm }) => {
    const sms = ctx.gpu.info.smCount;
    const whole = ctx.partitions.share(sms);
    const { stream, cublas } = whole;
    const point = INTERFERENCE_ATTENTION_POINT;
    // The windows are sized by each work's time alone.
    const sized = (work: Workload) => ({ work, aloneUs: timer.perRepUs(work) });
    const coolUs = ({ work, aloneUs }: ReturnType<typeof sized>): number => timer.windowUs(work, aloneUs);
    const sustainedUs = ({ work, aloneUs }: ReturnType<typeof sized>): number => timer.sustainedWindowUs(work, aloneUs);
    const steps = 4;

    const attentionWork = sized(attention.workload(stream, sms, point));
    const attentionSustainedUs = sustainedUs(attentionWork);
    const attentionFactor = attentionSustainedUs / coolUs(attentionWork);
    progress(1, steps);
    const normWork = sized(norm.on(whole, RMSNORM_CURVE_ROWS));
    const elementwiseFactor = sustainedUs(normWork) / coolUs(normWork);
    progress(2, steps);
    const gemmCoolUs = coolUs(sized(gemm.workload(stream, cublas, INTERFERENCE_TOKENS)));
    progress(3, steps);
    const mix = graphWorkload([stream], (_, rep) => {
      gemm.queue(stream, cublas, INTERFERENCE_TOKENS, rep);
      attention.queue(stream, sms, point, rep);
    }, Math.max(gemm.rotation, attention.rotation(point)));
    const gemmFactor = (sustainedUs(sized(mix)) - attentionSustainedUs) / gemmCoolUs;
    progress(4, steps);
    return { gemmFactor: round(gemmFactor), attentionFactor: round(attentionFactor), elementwiseFactor: round(elementwiseFactor) };
  });
}
