// Are a profile's whole-GPU GEMM points cool? Each point measured alone after the profile's warm-up
// (300 ms of light GEMMs on the smallest partition), against the same point in each profile given.
// usage: [SMS=N] node cool-points.mjs PROFILE...
import { readFileSync } from "node:fs";
import { GpuContext } from "../../../dist/planner/profiling/gpu/gpu-context.js";
import { WorkTimer } from "../../../dist/planner/profiling/gpu/timer.js";
import { GemmOperands } from "../../../dist/planner/profiling/gpu/gemm-operands.js";

const profiles = process.argv.slice(2).map((path) => ({ path, profile: JSON.parse(readFileSync(path, "utf8")) }));
const ctx = GpuContext.open(0, { min: 8, granularity: 8 });
await ctx.readyGate();
const timer = new WorkTimer(() => ctx.madeGate());
// SMS=104 (say) measures that share's points instead of the whole GPU's.
const sms = Number(process.env.SMS ?? ctx.gpu.info.smCount);
const share = ctx.partitions.share(sms);
console.log(`${sms} SMs; columns: cool, then each profile's point and its ratio to cool (${profiles.map((p) => p.path).join(", ")})`);
for (const [n, k] of [[14336, 8192], [7168, 8192], [8192, 7168], [8192, 3584], [2560, 8192], [8192, 2048]]) {
  const operands = new GemmOperands(ctx.gpu, ctx.random, { n, k }, 4096);
  for (const tokens of [1024, 2048, 4096]) {
    ctx.warmUp();
    const cool = timer.perRepUs(operands.workload(share.stream, share.cublas, tokens));
    const cells = profiles.map(({ profile }) => {
      const table = profile.gemm.find((g) => g.n === n && g.k === k);
      const us = table.timeUs[table.tokens.indexOf(tokens)][table.sms.indexOf(sms)];
      return `${us.toFixed(1).padStart(8)} ${(us / cool).toFixed(3)}`;
    });
    console.log(`${`${n}x${k}`.padEnd(11)} ${String(tokens).padStart(5)} ${cool.toFixed(1).padStart(8)} ${cells.join("  ")}`);
  }
  operands.dispose();
}
timer.dispose();
ctx.dispose();
