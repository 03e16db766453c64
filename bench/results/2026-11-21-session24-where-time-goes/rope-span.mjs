// Experiment: does rope_kv_append's time depend on how far apart in memory the KV-cache pages it
// writes lie? The profile's table writes each row to a page of a cache a few rows' pages long
// (positions below one page); the runtime's benchmark gives each request its own 65 pages, shuffled
// over a cache of requests x 65 pages per layer, and measures the op alone at 2-4x the table's time.
import { GpuContext } from "../../../dist/planner/profiling/gpu/gpu-context.js";
import { WorkTimer } from "../../../dist/planner/profiling/gpu/timer.js";
import { graphWorkload } from "../../../dist/planner/profiling/gpu/workload.js";
import { shuffledOrder } from "../../../dist/runtime/weights/seededRandom.js";

const ctx = GpuContext.open(0, { min: 8, granularity: 8 });
ctx.warmUp();
await ctx.readyGate();
const timer = new WorkTimer(() => ctx.madeGate());
const kernels = await ctx.kernels.model();
const whole = ctx.partitions.share(ctx.gpu.info.smCount);
const [qHeads, kvHeads, headDim, pageSize, rows] = [8, 1, 128, 16, 8192];
const pageElements = kvHeads * pageSize * headDim;
const qkv = ctx.random.bf16(rows * (qHeads + 2 * kvHeads) * headDim);
const q = ctx.random.bf16(rows * qHeads * headDim);
const uniform = (n) => Float64Array.from({ length: n }, Math.random);
// variant: cache pages, page-table width, position of every row (or below one page when null)
const variants = [
  { label: "profile's: 8192 pages, width 1, positions < 16", pages: 8192, width: 1, position: null },
  { label: "2049 x 65 pages, width 1, positions < 16", pages: 2049 * 65, width: 1, position: null },
  { label: "8193 x 65 pages, width 1, positions < 16", pages: 8193 * 65, width: 1, position: null },
  { label: "runtime's: 2049 x 65 pages, width 65, position 1023", pages: 2049 * 65, width: 65, position: 1023 },
  { label: "8192 pages, width 65, position 1023 (pages in order)", pages: 8192 * 65, width: 65, position: 1023, ordered: true },
];
for (const v of variants) {
  const kCache = ctx.gpu.allocate("bf16", v.pages * pageElements);
  const vCache = ctx.gpu.allocate("bf16", v.pages * pageElements);
  const order = v.ordered ? Int32Array.from({ length: rows * v.width }, (_, i) => i) : shuffledOrder(uniform(v.pages)).subarray(0, rows * v.width);
  const pageTable = ctx.gpu.upload("int32", order);
  const positions = ctx.gpu.upload("int32", Int32Array.from({ length: rows }, () => v.position ?? Math.floor(Math.random() * pageSize)));
  const args = { qkv, q, kCache, vCache, positions, pageTable, qHeads, kvHeads, pageSize, maxPages: v.width, ropeTheta: 10_000 };
  const line = [];
  for (const n of [1024, 2048]) {
    const rotation = Math.floor(rows / n);
    const work = graphWorkload([whole.stream], (_, rep) => {
      const rowBegin = (rep % rotation) * n;
      kernels.ropeKvAppend(whole.stream, { rowBegin, rowEnd: rowBegin + n }, args);
    }, rotation);
    line.push(`${n} rows ${timer.perRepUs(work).toFixed(2).padStart(6)} us`);
  }
  console.log(`${v.label.padEnd(56)} ${line.join("   ")}`);
  for (const a of [kCache, vCache, pageTable, positions]) a.dispose();
}
timer.dispose();
ctx.dispose();
