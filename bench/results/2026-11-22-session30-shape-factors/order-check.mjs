// Which order of a GEMM table's shares measures every share cool? For a few big shapes, the table
// on the shipped profile's axes measured in several orders, each after the profile's warm-up and
// with the whole GPU first (then a warm-up) as tables.ts does: ascending (session 29's tables.ts),
// alternating smallest and largest left, and ascending with the warm-up before every share of 96 SMs
// or more; and "tables.ts", the table as tables.ts's measureGemm measures it now. Then chosen points
// each measured alone after the warm-up ("cool"), and each order's point and the profile's over it.
// (The first device call ran before measureGemm's warm-ups existed, without the "tables.ts" column.)
// usage: node order-check.mjs PROFILE
import { readFileSync } from "node:fs";
import { GpuContext } from "../../../dist/planner/profiling/gpu/gpu-context.js";
import { WorkTimer } from "../../../dist/planner/profiling/gpu/timer.js";
import { GemmOperands } from "../../../dist/planner/profiling/gpu/gemm-operands.js";
import { measureGemm } from "../../../dist/planner/profiling/gpu/tables.js";

const profile = JSON.parse(readFileSync(process.argv[2], "utf8"));
const ctx = GpuContext.open(0, { min: 8, granularity: 8 });
await ctx.readyGate();
const timer = new WorkTimer(() => ctx.madeGate());
const { tokens, sms } = profile.gemm[0];
const whole = sms.indexOf(ctx.gpu.info.smCount);
const ascending = [whole, ...sms.map((_, j) => j).filter((j) => j !== whole)];
/** Smallest, largest, next smallest, next largest...: each big share after a small one. */
const alternating = (rest) => (rest.length === 0 ? [] : [rest[0], ...alternating(rest.slice(1).reverse())]);
const orders = {
  ascending: { order: ascending, warmBefore: () => false },
  alternating: { order: [whole, ...alternating(ascending.slice(1))], warmBefore: () => false },
  "warm-big": { order: ascending, warmBefore: (count) => count >= 96 && count < ctx.gpu.info.smCount },
};
const CHECK_SMS = [16, 32, 64, 96, 112, 124];
const CHECK_TOKENS = [512, 1024, 2048, 4096];

for (const [n, k] of [[14336, 8192], [7168, 8192], [8192, 7168], [8192, 3584], [2560, 8192]]) {
  const operands = new GemmOperands(ctx.gpu, ctx.random, { n, k }, Math.max(...tokens));
  const tables = {};
  for (const [name, { order, warmBefore }] of Object.entries(orders)) {
    const times = tokens.map(() => sms.map(() => 0));
    ctx.warmUp();
    const start = performance.now();
    for (const j of order) {
      if (warmBefore(sms[j])) ctx.warmUp();
      const share = ctx.partitions.share(sms[j]);
      tokens.forEach((t, i) => (times[i][j] = timer.perRepUs(operands.workload(share.stream, share.cublas, t))));
      if (j === whole) ctx.warmUp();
    }
    tables[name] = times;
    console.log(`${n}x${k} ${name}: ${((performance.now() - start) / 1000).toFixed(2)} s`);
  }
  ctx.warmUp();
  const start = performance.now();
  tables["tables.ts"] = measureGemm(ctx, timer, { n, k }, tokens, sms, () => {});
  console.log(`${n}x${k} tables.ts: ${((performance.now() - start) / 1000).toFixed(2)} s`);
  const shipped = profile.gemm.find((g) => g.n === n && g.k === k);
  console.log(`${n}x${k}  sms tokens     cool   ${[...Object.keys(tables), "profile"].map((o) => o.padStart(12)).join("")}`);
  for (const count of CHECK_SMS) {
    const j = sms.indexOf(count);
    const share = ctx.partitions.share(count);
    for (const t of CHECK_TOKENS) {
      const i = tokens.indexOf(t);
      ctx.warmUp();
      const cool = timer.perRepUs(operands.workload(share.stream, share.cublas, t));
      const ratios = [...Object.values(tables).map((table) => table[i][j]), shipped.timeUs[i][j]].map((us) => (us / cool).toFixed(3).padStart(12));
      console.log(`${`${n}x${k}`.padEnd(11)} ${String(count).padStart(4)} ${String(t).padStart(6)} ${cool.toFixed(1).padStart(8)} ${ratios.join("")}`);
    }
  }
  operands.dispose();
}
timer.dispose();
ctx.dispose();
