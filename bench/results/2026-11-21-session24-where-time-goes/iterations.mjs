// Experiment driver for a kernel-level trace (run under Nsight Systems): each mode's iteration graph
// replayed as `nanoweave run` times it (10 warm-up, then 30 timed by CUDA events, a synchronize
// after each), then 2 s back to back as its power window runs it. No timing events inside the
// graph, so the kernels run as they do untraced.
// usage: node iterations.mjs PLAN [modes, default planned,sequential]
import { Runtime } from "../../../dist/runtime/Runtime.js";
import { fillCacheWithRandomValues, randomRequests, timeOnce } from "../../../dist/runtime/benchmark.js";

process.env.CUDA_DEVICE_MAX_CONNECTIONS ??= "32";
const modes = (process.argv[3] ?? "planned,sequential").split(",");
const runtime = await Runtime.create({ plan: process.argv[2], modes });
const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
try {
  const requests = randomRequests(runtime);
  fillCacheWithRandomValues(runtime);
  const [start, end] = [runtime.gpu.createEvent(), runtime.gpu.createEvent()];
  for (const mode of modes) {
    runtime.step(requests, { mode });
    const execution = runtime.execution(mode);
    for (let i = 0; i < 10; i++) execution.launch(true);
    runtime.synchronize();
    const timed = Array.from({ length: 30 }, () => timeOnce(runtime, start, end, execution.origin, () => execution.launch(true)));
    const t0 = performance.now();
    let backToBack = 0;
    while (performance.now() - t0 < 2000) {
      for (let i = 0; i < 10; i++) execution.launch(true);
      runtime.synchronize();
      backToBack += 10;
    }
    console.log(`${mode}: iteration ${median(timed).toFixed(1)} us (median of 30), then ${backToBack} back to back in ${(performance.now() - t0).toFixed(0)} ms`);
  }
  start.dispose();
  end.dispose();
} finally {
  runtime.dispose();
}
