// Experiment: are a GEMM table's heavy points measured at the power limiter's lowered clocks? Points
// on the largest shares, measured back to back in the table's order (each share's token counts,
// shares ascending), against the same points each measured alone after the profile's warm-up (300 ms
// of light GEMMs on the smallest partition), and against the shipped profile's table.
import { readFileSync } from "node:fs";
import { GpuContext } from "../../../dist/planner/profiling/gpu/gpu-context.js";
import { WorkTimer } from "../../../dist/planner/profiling/gpu/timer.js";
import { GemmOperands } from "../../../dist/planner/profiling/gpu/gemm-operands.js";

const profile = JSON.parse(readFileSync(process.argv[2], "utf8"));
const ctx = GpuContext.open(0, { min: 8, granularity: 8 });
ctx.warmUp();
await ctx.readyGate();
const timer = new WorkTimer(() => ctx.madeGate());
const shares = [96, 104, 112, 120, 124, 132];
const tokens = [512, 1024, 2048, 4096, 8192];
const shown = { sms: [104, 132], tokens: [1024, 2048, 4096] };
console.log("shape          sms  tokens   table  back-to-back   cool   table/cool  back-to-back/cool");
for (const [n, k] of [[14336, 8192], [7168, 8192], [8192, 7168], [8192, 3584]]) {
  const operands = new GemmOperands(ctx.gpu, ctx.random, { n, k }, 8192);
  const time = (sms, t) => {
    const share = ctx.partitions.share(sms);
    return timer.perRepUs(operands.workload(share.stream, share.cublas, t));
  };
  ctx.warmUp();
  const backToBack = new Map();
  for (const sms of shares) for (const t of tokens) backToBack.set(`${sms}/${t}`, time(sms, t));
  const table = profile.gemm.find((g) => g.n === n && g.k === k);
  for (const sms of shown.sms) {
    for (const t of shown.tokens) {
      ctx.warmUp();
      const cool = time(sms, t);
      const tabled = table.timeUs[table.tokens.indexOf(t)][table.sms.indexOf(sms)];
      const b = backToBack.get(`${sms}/${t}`);
      console.log(`${`${n}x${k}`.padEnd(13)} ${String(sms).padStart(4)} ${String(t).padStart(7)} ${tabled.toFixed(1).padStart(7)} ${b.toFixed(1).padStart(13)} ${cool.toFixed(1).padStart(7)} ${(tabled / cool).toFixed(3).padStart(11)} ${(b / cool).toFixed(3).padStart(18)}`);
    }
  }
  operands.dispose();
}
timer.dispose();
ctx.dispose();
