// Experiment: how much slower each of the Llama-2-70B TP8 shard's kernels runs on the whole GPU after
// half a second of itself (the GPU at its power limit) than after idling, as the profile's
// sustained-load section times its three kinds; and whether those per-kind factors predict a mix
// (gate/up GEMM then decode attention, as a sequential layer alternates them) heated by itself.
import { GpuContext } from "../../../dist/planner/profiling/gpu/gpu-context.js";
import { WorkTimer } from "../../../dist/planner/profiling/gpu/timer.js";
import { GemmOperands } from "../../../dist/planner/profiling/gpu/gemm-operands.js";
import { AttentionOperands } from "../../../dist/planner/profiling/gpu/attention-operands.js";
import { elementwiseWorkload } from "../../../dist/planner/profiling/gpu/elementwise-workloads.js";
import { graphWorkload } from "../../../dist/planner/profiling/gpu/workload.js";
import { kvBytes } from "../../../dist/planner/profiling/attention-grid.js";

const ctx = GpuContext.open(0, { min: 8, granularity: 8 });
ctx.warmUp();
await ctx.readyGate();
const timer = new WorkTimer(() => ctx.madeGate());
const sms = ctx.gpu.info.smCount;
const whole = ctx.partitions.share(sms);
const factor = (label, work) => {
  const alone = timer.perRepUs(work);
  const cool = timer.windowUs(work, alone);
  const hot = timer.sustainedWindowUs(work, alone);
  console.log(`${label.padEnd(34)} alone ${alone.toFixed(1).padStart(7)} us  cool window ${cool.toFixed(1).padStart(7)}  sustained ${hot.toFixed(1).padStart(7)}  factor ${(hot / cool).toFixed(3)}`);
  return { alone, cool, hot };
};
const shapes = { qkv: [1280, 8192], o: [8192, 1024], gate_up: [7168, 8192], down: [8192, 3584] };
const gemms = {};
for (const [name, [n, k]] of Object.entries(shapes)) {
  const ops = new GemmOperands(ctx.gpu, ctx.random, { n, k }, 2048);
  gemms[name] = ops;
  for (const tokens of [1024, 2048]) factor(`gemm ${name} ${n}x${k} @${tokens}`, ops.workload(whole.stream, whole.cublas, tokens));
}
const config = { headDim: 128, groupSize: 8, kvHeads: 1 };
const attention = await AttentionOperands.create(ctx.gpu, ctx.kernels, ctx.random, config, kvBytes(config, { requests: 2048, context: 1024 }), ctx.setupStream);
for (const requests of [1024, 2048]) factor(`attention ${requests} x 1024`, attention.workload(whole.stream, sms, { requests, context: 1024 }));
for (const kernel of ["rmsnorm", "rope_kv_append", "silu_mul"]) {
  const ew = await elementwiseWorkload(ctx, kernel, 8192);
  for (const rows of [2048, 8192]) factor(`${kernel} ${rows} rows`, ew.on(whole, rows));
}
// The mix: gate/up at 2048 tokens then attention 2048 x 1024, one repetition each.
const point = { requests: 2048, context: 1024 };
const rotation = Math.max(gemms.gate_up.rotation, attention.rotation(point));
const mix = graphWorkload([whole.stream], (_, rep) => {
  gemms.gate_up.queue(whole.stream, whole.cublas, 2048, rep);
  attention.queue(whole.stream, sms, point, rep);
}, rotation);
const g = factor("mix part: gate_up @2048", gemms.gate_up.workload(whole.stream, whole.cublas, 2048));
const a = factor("mix part: attention 2048 x 1024", attention.workload(whole.stream, sms, point));
const m = factor("mix: gate_up @2048 + attention", mix);
console.log(`mix predicted from its parts' factors: ${((g.hot / g.cool) * g.alone + (a.hot / a.cool) * a.alone).toFixed(1)} us against ${m.hot.toFixed(1)} sustained (${(m.hot / m.cool).toFixed(3)}x cool)`);
timer.dispose();
ctx.dispose();
