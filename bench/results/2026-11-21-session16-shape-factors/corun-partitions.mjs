// Scratch (session 16): does attention on a group of 16 or 24 SMs (4 SMs idle) slow the GEMMs
// beside it less than attention on the split's remainder of 20 or 28, and what does it cost
// attention? Each layout: attention (2048 requests x 1024 keys, the profile's co-run point) alone
// and beside the GEMM, and each shard GEMM at a nano-batch's 1024 tokens alone and beside it, as the
// profile's co-run times them (sustained window against the same window alone after a cool-down).
import { GpuContext } from "../../dist/planner/profiling/gpu/gpu-context.js";
import { WorkTimer } from "../../dist/planner/profiling/gpu/timer.js";
import { GemmOperands } from "../../dist/planner/profiling/gpu/gemm-operands.js";
import { AttentionOperands } from "../../dist/planner/profiling/gpu/attention-operands.js";
import { elementwiseWorkload } from "../../dist/planner/profiling/gpu/elementwise-workloads.js";
import { kvBytes } from "../../dist/planner/profiling/attention-grid.js";
import { INTERFERENCE_ATTENTION, INTERFERENCE_ATTENTION_POINT } from "../../dist/planner/profiling/gpu/collectives.js";

const ctx = GpuContext.open(0, { min: 8, granularity: 8 });
await ctx.readyGate();
const timer = new WorkTimer(() => ctx.madeGate());
const attention = await AttentionOperands.create(ctx.gpu, ctx.kernels, ctx.random, INTERFERENCE_ATTENTION, kvBytes(INTERFERENCE_ATTENTION, INTERFERENCE_ATTENTION_POINT), ctx.setupStream);
const norm = await elementwiseWorkload(ctx, "rmsnorm", 1024);
const shapes = [
  ["gate_up", { n: 7168, k: 8192 }, 1024],
  ["down", { n: 8192, k: 3584 }, 1024],
  ["o", { n: 8192, k: 1024 }, 1024],
];
const ratio = (a, b) => (a / b).toFixed(3);
// LAYOUTS: compute:memory[r|p], r = the split's remainder, p = a second group (the rest idle).
for (const layout of (process.env.LAYOUTS ?? "112:20r,112:16p").split(",")) {
  const [, c, m, kind] = layout.match(/^(\d+):(\d+)([rp])$/);
  const computeSms = Number(c), memorySms = Number(m);
  const [compute, memory] = kind === "r" ? (({ group, remainder }) => [group, remainder])(ctx.partitions.split(computeSms)) : ctx.partitions.pair(computeSms, memorySms);
  if (memory.smCount !== memorySms) throw new Error(`${layout}: memory got ${memory.smCount}`);
  ctx.warmUp();
  const att = attention.workload(memory.stream, memorySms, INTERFERENCE_ATTENTION_POINT);
  const attAlone = timer.perRepUs(att);
  const attWindow = timer.windowUs(att, attAlone);
  const gb = kvBytes(INTERFERENCE_ATTENTION, INTERFERENCE_ATTENTION_POINT) / 1e9;
  console.log(`${layout}: attention alone ${attAlone.toFixed(1)} us (${(gb / attAlone * 1e3).toFixed(2)} TB/s), window alone ${attWindow.toFixed(1)}`);
  for (const [name, shape, tokens] of shapes) {
    ctx.warmUp();
    const gemm = new GemmOperands(ctx.gpu, ctx.random, shape, tokens);
    const work = gemm.workload(compute.stream, compute.cublas, tokens);
    const alone = timer.perRepUs(work);
    const window = timer.windowUs(work, alone);
    const beside = timer.windowUs(work, alone, { work: att, aloneUs: attAlone });
    const attBeside = timer.windowUs(att, attAlone, { work, aloneUs: alone });
    const flops = 2 * tokens * shape.n * shape.k;
    console.log(`  GEMM ${name.padEnd(8)} on ${computeSms}: alone ${alone.toFixed(1).padStart(6)} us (${(flops / alone / 1e6).toFixed(0)} TFLOP/s), window ${window.toFixed(1).padStart(6)}, beside ${beside.toFixed(1).padStart(6)} -> gemm x${ratio(beside, window)}; attention beside it ${attBeside.toFixed(1)} -> x${ratio(attBeside, attWindow)} (${(gb / attBeside * 1e3).toFixed(2)} TB/s)`);
    gemm.dispose();
  }
  const rms = norm.on(compute, 1024);
  const rmsAlone = timer.perRepUs(rms);
  const rmsBeside = timer.windowUs(rms, rmsAlone, { work: att, aloneUs: attAlone });
  console.log(`  rmsnorm 1024 rows on ${computeSms}: alone ${rmsAlone.toFixed(1)} us, beside x${ratio(rmsBeside, timer.windowUs(rms, rmsAlone))}`);
}
attention.dispose(); norm.dispose(); ctx.dispose();
