// Experiment: the runtime's O and down GEMMs add into the residual (C = A·B^T + C, beta 1); the
// profile's GEMM tables time C = A·B^T (beta 0). Each shard GEMM at both, cool (the profile's timer),
// on the whole GPU and on the split's compute partition.
import { GpuContext } from "../../../dist/planner/profiling/gpu/gpu-context.js";
import { WorkTimer } from "../../../dist/planner/profiling/gpu/timer.js";
import { GemmOperands } from "../../../dist/planner/profiling/gpu/gemm-operands.js";
import { graphWorkload } from "../../../dist/planner/profiling/gpu/workload.js";

const ctx = GpuContext.open(0, { min: 8, granularity: 8 });
ctx.warmUp();
await ctx.readyGate();
const timer = new WorkTimer(() => ctx.madeGate());
const shapes = { qkv: [1280, 8192], o: [8192, 1024], gate_up: [7168, 8192], down: [8192, 3584] };
for (const sms of [112, ctx.gpu.info.smCount]) {
  const share = ctx.partitions.share(sms);
  for (const [name, [n, k]] of Object.entries(shapes)) {
    const ops = new GemmOperands(ctx.gpu, ctx.random, { n, k }, 2048);
    for (const tokens of [1024, 2048]) {
      const at = (beta) => timer.perRepUs(graphWorkload([share.stream], (_, rep) =>
        share.cublas.gemm({ stream: share.stream, a: ops.a, b: ops.weights[rep % ops.rotation], c: ops.c, m: tokens, n, k, beta }), ops.rotation));
      const [zero, one] = [at(0), at(1)];
      console.log(`${String(sms).padStart(3)} SMs ${name.padEnd(8)} ${n}x${k} @${tokens}: beta 0 ${zero.toFixed(1).padStart(6)} us, beta 1 ${one.toFixed(1).padStart(6)} us, ${(one / zero).toFixed(3)}x`);
    }
    ops.dispose();
  }
}
timer.dispose();
ctx.dispose();
