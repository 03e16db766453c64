// Scratch: what the profile's warm-up leaves behind. Times RMSNorm (8192 rows) and a GEMM on an
// 8-SM partition again and again after each kind of warm-up, with the SM clock and the power
// limiter's time read through NVML between timings.
import { GpuContext } from "../../dist/planner/profiling/gpu/gpu-context.js";
import { WorkTimer } from "../../dist/planner/profiling/gpu/timer.js";
import { elementwiseWorkload } from "../../dist/planner/profiling/gpu/elementwise-workloads.js";
import { GemmOperands } from "../../dist/planner/profiling/gpu/gemm-operands.js";

const ctx = GpuContext.open(0, { min: 8, granularity: 8 });
await ctx.readyGate();
const timer = new WorkTimer(() => ctx.madeGate());
const norm = await elementwiseWorkload(ctx, "rmsnorm", 8192);
const shape = { n: 8192, k: 8192 };
const gemm = new GemmOperands(ctx.gpu, ctx.random, shape, 1024);
const small = ctx.partitions.share(8), whole = ctx.partitions.share(ctx.gpu.info.smCount);
const sleep = (ms) => Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, ms);

function sample(label, ms) {
  const t0 = performance.now();
  let last = ctx.gpu.readPower();
  const rows = [];
  while (performance.now() - t0 < ms) {
    const n = timer.perRepUs(norm.on(small, 8192));
    const g = timer.perRepUs(gemm.workload(small.stream, small.cublas, 1024));
    const p = ctx.gpu.readPower();
    rows.push(`${(performance.now() - t0).toFixed(0).padStart(5)} ms  rmsnorm ${n.toFixed(1).padStart(7)} us  gemm ${g.toFixed(1).padStart(7)} us  clock ${p.smClockMhz} MHz  ${(p.powerDrawMilliwatts / 1000).toFixed(0)} W  capped +${((p.powerCappedNs - last.powerCappedNs) / 1e6).toFixed(1)} ms`);
    last = p;
  }
  console.log(`== ${label}\n${rows.join("\n")}`);
}

function heavy(ms) {
  const start = performance.now();
  while (performance.now() - start < ms) {
    for (let rep = 0; rep < 8; rep++) gemm.queue(whole.stream, whole.cublas, 1024, rep);
    whole.stream.synchronize();
  }
}
function light(ms) {
  const start = performance.now();
  while (performance.now() - start < ms) {
    for (let rep = 0; rep < 2; rep++) gemm.queue(small.stream, small.cublas, 256, rep);
    small.stream.synchronize();
  }
}

sleep(2000);
ctx.warmUp();
sample("after 2 s idle, then the profile's warm-up (300 ms of GEMMs on 8 SMs)", 300);
heavy(1000);
ctx.warmUp();
sample("after 1000 ms of whole-GPU GEMMs, then the profile's warm-up", 400);
heavy(30);
sample("after 30 ms of whole-GPU GEMMs (the warm-up before this change)", 300);
norm.dispose(); gemm.dispose(); ctx.dispose();
