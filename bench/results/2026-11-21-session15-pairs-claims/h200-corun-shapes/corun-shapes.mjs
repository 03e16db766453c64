// Scratch: does a GEMM's slowdown beside decode attention depend on its shape? The profile's
// co-run measures one GEMM (7168 x 8192 at 2048 tokens) and the planner applies its factor to every
// GEMM. Here each Llama-2-70B TP8 shard GEMM at a nano-batch's 1024 tokens, on the compute group
// of a split, beside attention (2048 requests x 1024 keys) on the rest, timed as the profile's
// co-run is (sustained window against the same window alone after a cool-down).
import { GpuContext } from "../../dist/planner/profiling/gpu/gpu-context.js";
import { WorkTimer } from "../../dist/planner/profiling/gpu/timer.js";
import { GemmOperands } from "../../dist/planner/profiling/gpu/gemm-operands.js";
import { AttentionOperands } from "../../dist/planner/profiling/gpu/attention-operands.js";
import { kvBytes } from "../../dist/planner/profiling/attention-grid.js";
import { INTERFERENCE_ATTENTION, INTERFERENCE_ATTENTION_POINT } from "../../dist/planner/profiling/gpu/collectives.js";

const ctx = GpuContext.open(0, { min: 8, granularity: 8 });
await ctx.readyGate();
const timer = new WorkTimer(() => ctx.madeGate());
const attention = await AttentionOperands.create(ctx.gpu, ctx.kernels, ctx.random, INTERFERENCE_ATTENTION, kvBytes(INTERFERENCE_ATTENTION, INTERFERENCE_ATTENTION_POINT), ctx.setupStream);
const shapes = [
  ["qkv", { n: 1280, k: 8192 }, 1024],
  ["o", { n: 8192, k: 1024 }, 1024],
  ["gate_up", { n: 7168, k: 8192 }, 1024],
  ["down", { n: 8192, k: 3584 }, 1024],
  ["gate_up@2048 (the profile's)", { n: 7168, k: 8192 }, 2048],
];
for (const partnerSms of (process.env.PARTNERS ?? "20").split(",").map(Number)) {
  const { group: compute, remainder: memory } = ctx.partitions.split(ctx.gpu.info.smCount - partnerSms);
  const att = attention.workload(memory.stream, partnerSms, INTERFERENCE_ATTENTION_POINT);
  const attAlone = timer.perRepUs(att);
  for (const [name, shape, tokens] of shapes) {
    ctx.warmUp();
    const gemm = new GemmOperands(ctx.gpu, ctx.random, shape, tokens);
    const work = gemm.workload(compute.stream, compute.cublas, tokens);
    const alone = timer.perRepUs(work);
    const beside = timer.windowUs(work, alone, { work: att, aloneUs: attAlone });
    const window = timer.windowUs(work, alone);
    const flops = 2 * tokens * shape.n * shape.k;
    console.log(`attention on ${partnerSms} SMs, GEMM ${name.padEnd(28)} on ${compute.smCount}: alone ${alone.toFixed(1).padStart(7)} us (${(flops / alone / 1e6).toFixed(0)} TFLOP/s), window alone ${window.toFixed(1).padStart(7)}, beside ${beside.toFixed(1).padStart(7)} -> factor ${(beside / window).toFixed(3)}`);
    gemm.dispose();
  }
}
attention.dispose(); ctx.dispose();
