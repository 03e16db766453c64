// Why do plans with a wide memory partition (88 | 44) run their GEMMs far slower beside attention
// than the profile's interference section says (gate/up 2.2-2.6x its time alone, against 1.54)?
// The section times one pair: gate/up (7168x8192) at 2048 rows beside attention at 2048 requests
// x context 1024. Plans run 1024-row nano-batches beside attention at longer contexts. Here each
// side's factor, timed as the section times it (beside over alone in the same window, after half
// a second of the same), for memory partitions (remainders) of 20 to 52 SMs, gate/up at 1024 and
// 2048 rows and down (8192x3584) at 1024, beside attention at context 1024 (2048 requests) and
// 4096 (1024 requests: the same bytes).
// usage: node wide-partners.mjs
import { GpuContext } from "../../../dist/planner/profiling/gpu/gpu-context.js";
import { WorkTimer } from "../../../dist/planner/profiling/gpu/timer.js";
import { INTERFERENCE_ATTENTION } from "../../../dist/planner/profiling/gpu/collectives.js";
import { AttentionOperands } from "../../../dist/planner/profiling/gpu/attention-operands.js";
import { GemmOperands } from "../../../dist/planner/profiling/gpu/gemm-operands.js";
import { kvBytes } from "../../../dist/planner/profiling/attention-grid.js";

const POINTS = [{ requests: 2048, context: 1024 }, { requests: 1024, context: 4096 }];
const GEMMS = [{ n: 7168, k: 8192, rows: 1024 }, { n: 7168, k: 8192, rows: 2048 }, { n: 8192, k: 3584, rows: 1024 }];
const ctx = GpuContext.open(0, { min: 8, granularity: 8 });
await ctx.readyGate();
const timer = new WorkTimer(() => ctx.madeGate());
/** `measured`'s time beside `other` over its time alone in the same window, and its time alone. */
const beside = (measured, other) => {
  const [aloneUs, otherUs] = [timer.perRepUs(measured), timer.perRepUs(other)];
  const factor = timer.windowUs(measured, aloneUs, { work: other, aloneUs: otherUs }) / timer.windowUs(measured, aloneUs);
  return { factor, aloneUs };
};
const attention = await AttentionOperands.create(ctx.gpu, ctx.kernels, ctx.random, INTERFERENCE_ATTENTION,
  Math.max(...POINTS.map((p) => kvBytes(INTERFERENCE_ATTENTION, p))), ctx.setupStream);
const gemms = GEMMS.map((g) => new GemmOperands(ctx.gpu, ctx.random, g, 2048));
console.log("memory SMs  gemm              rows  attention (requests x context)  gemm alone  gemm factor  attention alone  attention factor");
for (const memorySms of [20, 28, 36, 44, 52]) {
  const { group: compute, remainder: memory } = ctx.partitions.split(ctx.gpu.info.smCount - memorySms);
  for (const [i, g] of GEMMS.entries()) {
    for (const point of POINTS) {
      const gemmWork = gemms[i].workload(compute.stream, compute.cublas, g.rows);
      const attentionWork = attention.workload(memory.stream, memorySms, point);
      const gm = beside(gemmWork, attentionWork);
      const at = beside(attentionWork, gemmWork);
      console.log(
        `${String(memorySms).padStart(10)}  ${`${g.n}x${g.k}`.padEnd(16)} ${String(g.rows).padStart(5)}  ${`${point.requests} x ${point.context}`.padStart(30)}` +
        `  ${gm.aloneUs.toFixed(1).padStart(10)}  ${gm.factor.toFixed(3).padStart(11)}  ${at.aloneUs.toFixed(1).padStart(15)}  ${at.factor.toFixed(3).padStart(16)}`,
      );
    }
  }
}
gemms.forEach((g) => g.dispose());
attention.dispose();
timer.dispose();
ctx.dispose();
