/**
 * Planned against sequential iterations off the GPU's power limit: each iteration after an idle gap,
 * the two modes taking turns, so the clocks stay near their maximum. Beside `nanoweave run`, whose
 * timed loop and back-to-back window hold the GPU at its power limit, this says how much of a
 * plan's gain the limit takes or gives (bench/README.md, session 11).
 *
 *   node dist/bench/runtime/off-power-limit.js PLAN [ITERATIONS=21] [GAPS_MS=100,30,0]
 *
 * A gap of 0 leaves only the host's own pause between iterations (synchronizing, one NVML reading).
 */
import { fillCacheWithRandomValues, randomRequests, timeOnce } from "../../runtime/benchmark.js";
import type { ExecutionMode } from "../../runtime/plan/executionModes.js";
import { Runtime } from "../../runtime/Runtime.js";
import { median } from "../../planner/median.js";

const MODES: ExecutionMode[] = ["planned", "sequential"];

async function main(): Promise<void> {
  const [plan, iterationsArg = "21", gapsArg = "100,30,0"] = process.argv.slice(2);
  if (!plan) throw new Error("usage: off-power-limit.js PLAN [ITERATIONS] [GAPS_MS, comma-separated]");
  const iterations = Number(iterationsArg);
  const gaps = gapsArg.split(",").map(Number);
  if (!Number.isInteger(iterations) || iterations < 1 || gaps.some((gap) => !(gap >= 0))) throw new Error(`bad ITERATIONS ${iterationsArg} or GAPS_MS ${gapsArg}`);
  const runtime = await Runtime.create({ plan, modes: MODES });
  const [start, end] = [runtime.gpu.createEvent(), runtime.gpu.createEvent()];
  try {
    fillCacheWithRandomValues(runtime);
    const requests = randomRequests(runtime);
    for (const mode of MODES) runtime.step(requests, { mode }); // captures each mode's graph
    /** One iteration of `mode`: its GPU time, and the SM clock read just after. */
    const iterate = (mode: ExecutionMode): { us: number; clockMhz: number } => {
      const execution = runtime.execution(mode);
      const us = timeOnce(runtime, start, end, execution.origin, () => execution.launch(true));
      return { us, clockMhz: runtime.gpu.readPower().smClockMhz };
    };
    console.log(`${runtime.gpu.info.name}, ${runtime.plan.model.name}, ${runtime.shape.layers} layers, ${iterations} iterations a mode and gap, modes taking turns`);
    for (const mode of MODES) for (let i = 0; i < 10; i++) iterate(mode); // warm-up
    for (const gap of gaps) {
      const samples = new Map(MODES.map((mode) => [mode, { us: [] as number[], clockMhz: [] as number[] }]));
      for (let i = 0; i < iterations; i++) {
        for (const mode of MODES) {
          if (gap > 0) await new Promise((resolve) => setTimeout(resolve, gap));
          const { us, clockMhz } = iterate(mode);
          samples.get(mode)!.us.push(us);
          samples.get(mode)!.clockMhz.push(clockMhz);
        }
      }
      const summary = (mode: ExecutionMode): string => {
        const { us, clockMhz } = samples.get(mode)!;
        return `${mode} ${median(us).toFixed(0)} us at ${median(clockMhz)} MHz`;
      };
      const speedup = median(samples.get("sequential")!.us) / median(samples.get("planned")!.us);
      console.log(`gap ${String(gap).padStart(3)} ms: ${summary("planned")}, ${summary("sequential")}; planned vs sequential ${speedup.toFixed(3)}x (iteration medians)`);
    }
  } finally {
    start.dispose();
    end.dispose();
    runtime.dispose();
  }
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? error.message : error);
  process.exitCode = 1;
});
