// Does decode attention on a split's 20 SMs slow beside a GEMM the more, the fewer its rows (the
// same weights streamed in less time)? Attention at 1024 and 2048 requests (context 1024) beside
// gate/up (7168x8192) and down (8192x3584) at 512-2048 rows on the other 112 SMs: each side's time
// co-running (after half a second of the same) over its time alone cool, as the interference
// section times its pairs (there: gate/up at 2048 rows beside 2048 requests only). Also each
// attention point's time cool.
// usage: node attention-partners.mjs
import { GpuContext } from "../../../dist/planner/profiling/gpu/gpu-context.js";
import { WorkTimer } from "../../../dist/planner/profiling/gpu/timer.js";
import { INTERFERENCE_ATTENTION, INTERFERENCE_ATTENTION_POINT, withPairOperands } from "../../../dist/planner/profiling/gpu/collectives.js";
import { GemmOperands } from "../../../dist/planner/profiling/gpu/gemm-operands.js";

const MEMORY_SMS = 20;
const ctx = GpuContext.open(0, { min: 8, granularity: 8 });
await ctx.readyGate();
const timer = new WorkTimer(() => ctx.madeGate());
const { group: compute, remainder: memory } = ctx.partitions.split(ctx.gpu.info.smCount - MEMORY_SMS);
/** `measured`'s time beside `other` over its time alone cool, and its time cool. */
const beside = (measured, other) => {
  const [aloneUs, otherUs] = [timer.perRepUs(measured), timer.perRepUs(other)];
  const coolUs = timer.windowUs(measured, aloneUs);
  return { factor: timer.windowUs(measured, aloneUs, { work: other, aloneUs: otherUs }) / coolUs, coolUs };
};
await withPairOperands(ctx, ({ attention }) => {
  console.log(`attention config ${JSON.stringify(INTERFERENCE_ATTENTION)}, context ${INTERFERENCE_ATTENTION_POINT.context}, on ${MEMORY_SMS} SMs; GEMM on ${ctx.gpu.info.smCount - MEMORY_SMS}`);
  console.log("gemm          rows  requests  attention cool  attention factor  gemm cool  gemm factor");
  for (const shape of [{ n: 7168, k: 8192 }, { n: 8192, k: 3584 }]) {
    const gemm = new GemmOperands(ctx.gpu, ctx.random, shape, 2048);
    for (const rows of [512, 1024, 2048]) {
      for (const requests of [1024, 2048]) {
        const gemmWork = gemm.workload(compute.stream, compute.cublas, rows);
        const attentionWork = attention.workload(memory.stream, MEMORY_SMS, { ...INTERFERENCE_ATTENTION_POINT, requests });
        const a = beside(attentionWork, gemmWork);
        const g = beside(gemmWork, attentionWork);
        console.log(
          `${`${shape.n}x${shape.k}`.padEnd(12)} ${String(rows).padStart(5)} ${String(requests).padStart(9)} ${a.coolUs.toFixed(1).padStart(15)} ${a.factor.toFixed(3).padStart(17)} ${g.coolUs.toFixed(1).padStart(10)} ${g.factor.toFixed(3).padStart(12)}`,
        );
      }
    }
    gemm.dispose();
  }
});
timer.dispose();
ctx.dispose();
