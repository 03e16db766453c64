// Which pipelined mix reproduces the split's ops' times inside a plan? The sustained-load section's
// pipelined mix (sustained-load.ts's measurePipelinedMix) with the split's attention and the whole
// GPU's GEMM rows varied, each variant measured twice, in turn; its factors printed as JSON. (When
// it ran, the profile's mix was the first variant's; it became the second's after.)
// usage: node mix-variants.mjs
import { GpuContext } from "../../../dist/planner/profiling/gpu/gpu-context.js";
import { WorkTimer } from "../../../dist/planner/profiling/gpu/timer.js";
import { INTERFERENCE_ATTENTION_POINT, withPairOperands } from "../../../dist/planner/profiling/gpu/collectives.js";
import { measurePipelinedMix, PIPELINED_MIX } from "../../../dist/planner/profiling/gpu/sustained-load.js";

const attention = (requests) => ({ ...INTERFERENCE_ATTENTION_POINT, requests });
const variants = {
  "profile (attention 1536, whole 1024)": { ...PIPELINED_MIX, attention: attention(1536) },
  "attention 1024, whole 1024": { ...PIPELINED_MIX, attention: attention(1024) },
  "attention 1024, whole 512": { ...PIPELINED_MIX, attention: attention(1024), wholeGemmTokens: 512 },
  "attention 2048, whole 1024": { ...PIPELINED_MIX, attention: attention(2048) },
};
const ctx = GpuContext.open(0, { min: 8, granularity: 8 });
await ctx.readyGate();
const timer = new WorkTimer(() => ctx.madeGate());
await withPairOperands(ctx, (operands) => {
  for (let round = 1; round <= 2; round++) {
    for (const [name, mix] of Object.entries(variants)) {
      const start = performance.now();
      const factors = measurePipelinedMix(ctx, timer, operands, mix);
      console.log(`${name}, round ${round} (${((performance.now() - start) / 1000).toFixed(1)} s): ${JSON.stringify(factors)}`);
    }
  }
});
timer.dispose();
ctx.dispose();
