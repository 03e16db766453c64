// Is decode attention slowed more inside a plan's mix on 12 SMs than on 20 (where the profile's
// mix puts it)? The profile's pipelined mix (sustained-load.ts's PIPELINED_MIX) with attention on
// the remainder of 20 and of 12 SMs, its requests sized so that the GEMM on the rest outlasts it
// (1024 and 640); each measured three times, in turn; its factors printed as JSON.
// usage: node memory-sms.mjs
import { GpuContext } from "../../../dist/planner/profiling/gpu/gpu-context.js";
import { WorkTimer } from "../../../dist/planner/profiling/gpu/timer.js";
import { withPairOperands } from "../../../dist/planner/profiling/gpu/collectives.js";
import { measurePipelinedMix, PIPELINED_MIX } from "../../../dist/planner/profiling/gpu/sustained-load.js";

const variants = {
  "memory 20, attention 1024": PIPELINED_MIX,
  "memory 12, attention 640": { ...PIPELINED_MIX, memorySms: 12, attention: { ...PIPELINED_MIX.attention, requests: 640 } },
};
const ctx = GpuContext.open(0, { min: 8, granularity: 8 });
await ctx.readyGate();
const timer = new WorkTimer(() => ctx.madeGate());
await withPairOperands(ctx, (operands) => {
  for (let round = 1; round <= 3; round++) {
    for (const [name, mix] of Object.entries(variants)) {
      console.log(`${name}, round ${round}: ${JSON.stringify(measurePipelinedMix(ctx, timer, operands, mix))}`);
    }
  }
});
timer.dispose();
ctx.dispose();
