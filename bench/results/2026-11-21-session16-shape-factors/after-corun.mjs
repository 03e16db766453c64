// Scratch (session 16): does a whole-GPU GEMM run slower right after a sustained co-run (as in a
// plan, where whole-GPU ops follow split phases at the power cap) than after idling (as the
// profile's tables are timed)? Each shard GEMM at 1024 tokens on all SMs, a ~2 ms window of
// repetitions: after 300 ms idle, and right after 500 ms of gate/up GEMMs on 112 SMs beside
// attention on the 20-SM remainder. Medians of 5.
import { GpuContext } from "../../dist/planner/profiling/gpu/gpu-context.js";
import { GemmOperands } from "../../dist/planner/profiling/gpu/gemm-operands.js";
import { AttentionOperands } from "../../dist/planner/profiling/gpu/attention-operands.js";
import { kvBytes } from "../../dist/planner/profiling/attention-grid.js";
import { INTERFERENCE_ATTENTION, INTERFERENCE_ATTENTION_POINT } from "../../dist/planner/profiling/gpu/collectives.js";

const ctx = GpuContext.open(0, { min: 8, granularity: 8 });
await ctx.readyGate();
const gpu = ctx.gpu;
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
const median = (xs) => [...xs].sort((a, b) => a - b)[xs.length >> 1];
const attention = await AttentionOperands.create(gpu, ctx.kernels, ctx.random, INTERFERENCE_ATTENTION, kvBytes(INTERFERENCE_ATTENTION, INTERFERENCE_ATTENTION_POINT), ctx.setupStream);
const { group: compute, remainder: memory } = ctx.partitions.split(112);
const whole = ctx.partitions.share(gpu.info.smCount);
const partnerGemm = new GemmOperands(gpu, ctx.random, { n: 7168, k: 8192 }, 1024);
const att = attention.workload(memory.stream, memory.smCount, INTERFERENCE_ATTENTION_POINT).prepare(1000); // ~500 us each on 20 SMs
const par = partnerGemm.workload(compute.stream, compute.cublas, 1024).prepare(2500); // ~200 us each beside attention
const [start, end, doneA, doneB] = [0, 1, 2, 3].map(() => gpu.createEvent({ timing: true }));
const shapes = [["qkv", { n: 1280, k: 8192 }], ["o", { n: 8192, k: 1024 }], ["gate_up", { n: 7168, k: 8192 }], ["down", { n: 8192, k: 3584 }]];
for (const [name, shape] of shapes) {
  const gemm = new GemmOperands(gpu, ctx.random, shape, 1024);
  const work = gemm.workload(whole.stream, whole.cublas, 1024);
  const warm = work.prepare(4), one = work.prepare(1);
  warm.queue(); gpu.synchronize();
  start.record(whole.stream); one.queue(); end.record(whole.stream); gpu.synchronize();
  warm.dispose(); one.dispose();
  const reps = Math.max(4, Math.ceil(2000 / (end.elapsedMsSince(start) * 1000)));
  const win = work.prepare(reps);
  const timeWindow = () => { start.record(whole.stream); win.queue(); end.record(whole.stream); gpu.synchronize(); return (end.elapsedMsSince(start) * 1000) / reps; };
  const idle = [], after = [];
  for (let round = 0; round < 5; round++) {
    await sleep(300);
    idle.push(timeWindow());
    // ~500 ms of the co-run, then the window on the whole GPU as soon as both sides end.
    att.queue(); par.queue();
    doneA.record(memory.stream); doneB.record(compute.stream);
    whole.stream.waitFor(doneA); whole.stream.waitFor(doneB);
    after.push(timeWindow());
  }
  console.log(`${name.padEnd(8)} whole GPU, 1024 tokens: after idle ${median(idle).toFixed(1)} us, right after the co-run ${median(after).toFixed(1)} us -> x${(median(after) / median(idle)).toFixed(3)}   (${idle.map((x) => x.toFixed(1)).join(" ")} | ${after.map((x) => x.toFixed(1)).join(" ")})`);
  win.dispose(); gemm.dispose();
}
att.dispose(); par.dispose(); partnerGemm.dispose(); attention.dispose(); ctx.dispose();
