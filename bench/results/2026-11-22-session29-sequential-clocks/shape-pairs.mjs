// Does each GEMM shape slow beside attention as the profile's one pair says? Each of the Llama-2-70B
// TP8 shard's GEMMs on a split's 112-SM group beside decode attention on the 20 SMs left, as the
// shard plans lay them out: each side's time in the sustained co-run window over its time alone in
// the same window after 300 ms idle (the profile's attention-interference factors, measured the
// same way with gate/up at 2048 rows beside 2048 requests).
import { GpuContext } from "../../../dist/planner/profiling/gpu/gpu-context.js";
import { WorkTimer } from "../../../dist/planner/profiling/gpu/timer.js";
import { GemmOperands } from "../../../dist/planner/profiling/gpu/gemm-operands.js";
import { AttentionOperands } from "../../../dist/planner/profiling/gpu/attention-operands.js";
import { INTERFERENCE_ATTENTION } from "../../../dist/planner/profiling/gpu/collectives.js";
import { kvBytes } from "../../../dist/planner/profiling/attention-grid.js";

const MEMORY_SMS = 20;
const ctx = GpuContext.open(0, { min: 8, granularity: 8 });
await ctx.readyGate();
const timer = new WorkTimer(() => ctx.madeGate());
const { group: compute, remainder: memory } = ctx.partitions.split(ctx.gpu.info.smCount - MEMORY_SMS);
const reference = { requests: 2048, context: 1024 };
const attention = await AttentionOperands.create(ctx.gpu, ctx.kernels, ctx.random, INTERFERENCE_ATTENTION, kvBytes(INTERFERENCE_ATTENTION, reference), ctx.setupStream);
const beside = (measured, other) => {
  const [measuredAlone, otherAlone] = [timer.perRepUs(measured), timer.perRepUs(other)];
  return { aloneUs: timer.windowUs(measured, measuredAlone), besideUs: timer.windowUs(measured, measuredAlone, { work: other, aloneUs: otherAlone }) };
};
console.log(`GEMM on ${compute.smCount} SMs beside attention on ${memory.smCount}: each side's time beside the other over its time alone, in us`);
console.log("shape        rows  requests   GEMM alone  beside  factor   attention alone  beside  factor");
// The pairs: PAIRS=rows (gate/up at 512, 1024 and 2048 rows, each beside 1024 and 2048 requests), else each shard GEMM at a nano-batch's rows.
const pairs = process.env.PAIRS === "rows"
  ? [512, 1024, 2048].flatMap((rows) => [1024, 2048].map((requests) => ["gate/up", 7168, 8192, rows, requests]))
  : [["gate/up", 7168, 8192, 2048, 2048], ["gate/up", 7168, 8192, 1024, 1024], ["down", 8192, 3584, 1024, 1024], ["QKV", 1280, 8192, 1024, 1024], ["O", 8192, 1024, 1024, 1024]];
for (const [name, n, k, rows, requests] of pairs) {
  const operands = new GemmOperands(ctx.gpu, ctx.random, { n, k }, rows);
  const gemm = operands.workload(compute.stream, compute.cublas, rows);
  const attn = attention.workload(memory.stream, MEMORY_SMS, { requests, context: 1024 });
  ctx.warmUp();
  const g = beside(gemm, attn);
  const a = beside(attn, gemm);
  const cells = [g.aloneUs, g.besideUs, g.besideUs / g.aloneUs, a.aloneUs, a.besideUs, a.besideUs / a.aloneUs].map((x, i) => (i % 3 === 2 ? x.toFixed(3) : x.toFixed(1)).padStart(i === 3 ? 16 : 8));
  console.log(`${`${name} ${n}x${k}`.padEnd(18)} ${String(rows).padStart(5)} ${String(requests).padStart(8)} ${cells.join("")}`);
  operands.dispose();
}
attention.dispose();
timer.dispose();
ctx.dispose();
