// Scratch A/B: the old rope_kv_append (a block a row) against the new (a warp a row), same buffers,
// timed like the profile (graph replays, median), at rows x SMs. Also checks that outputs agree.
import { readFile } from "node:fs/promises";
import { KERNELS_DIR, KERNEL_SIGNATURES, kernelSourceWithHeaders } from "../../dist/runtime/kernels/kernelContracts.js";
import { GpuContext } from "../../dist/planner/profiling/gpu/gpu-context.js";
import { WorkTimer } from "../../dist/planner/profiling/gpu/timer.js";
import { graphWorkload } from "../../dist/planner/profiling/gpu/workload.js";

const ctx = GpuContext.open(0, 8);
await ctx.readyGate();
const timer = new WorkTimer(() => ctx.madeGate());
const sig = KERNEL_SIGNATURES.rope_kv_append;
const newMod = await ctx.gpu.compileModule(await kernelSourceWithHeaders("rope_kv_append.cu"), { name: "new.cu", options: [`--include-path=${KERNELS_DIR}`] });
const oldSrc = (await readFile(".exp/v33/rope_kv_append.old.cu", "utf8")).replace('#include "common.cuh"', await readFile(`${KERNELS_DIR}common.cuh`, "utf8"));
const oldMod = await ctx.gpu.compileModule(oldSrc, { name: "old.cu" });
const kernels = { old: oldMod.kernel("rope_kv_append", sig), new: newMod.kernel("rope_kv_append", sig) };
const grid = { old: (r) => r, new: (r, heads) => Math.ceil((r * Math.ceil(heads / 10)) / 8) };
const shapes = [[8, 1], [16, 2], [32, 4]];
const maxRows = 4096;
const page = 16;
for (const [qh, kvh] of shapes) {
  const pages = Int32Array.from({ length: maxRows }, (_, i) => i);
  for (let i = maxRows - 1; i > 0; i--) { const j = Math.floor(Math.random() * (i + 1)); [pages[i], pages[j]] = [pages[j], pages[i]]; }
  const maxPages = 70;
  const table = new Int32Array(maxRows * maxPages);
  const positions = Int32Array.from({ length: maxRows }, () => 1000 + Math.floor(Math.random() * 64));
  for (let r = 0; r < maxRows; r++) table[r * maxPages + Math.floor(positions[r] / page)] = pages[r];
  const a = {
    qkv: ctx.random.bf16(maxRows * (qh + 2 * kvh) * 128),
    pos: ctx.gpu.upload("int32", positions),
    table: ctx.gpu.upload("int32", table),
  };
  const outs = {};
  for (const which of ["old", "new"]) outs[which] = { q: ctx.gpu.allocate("bf16", maxRows * qh * 128), k: ctx.gpu.allocate("bf16", maxRows * kvh * page * 128), v: ctx.gpu.allocate("bf16", maxRows * kvh * page * 128) };
  const launch = (which, stream, rows) => kernels[which].launch(stream, { grid: grid[which](rows, qh + kvh), block: 256 }, a.qkv, outs[which].q, outs[which].k, outs[which].v, a.pos, a.table, 0, rows, qh, kvh, page, maxPages, 10000);
  // agreement
  for (const which of ["old", "new"]) { for (const x of Object.values(outs[which])) x.fill(0, ctx.setupStream); ctx.setupStream.synchronize(); launch(which, ctx.setupStream, maxRows); }
  ctx.setupStream.synchronize();
  for (const key of ["q", "k", "v"]) {
    const o = outs.old[key].download(), n = outs.new[key].download();
    let diff = 0, bad = 0;
    for (let i = 0; i < o.length; i++) { const d = Math.abs(o[i] - n[i]); if (!(d <= diff)) diff = d; if (!(d <= 0.02 * Math.max(1, Math.abs(o[i])))) bad++; }
    console.log(`q/kv ${qh}/${kvh} ${key}: max |old-new| ${diff.toExponential(2)}, beyond tolerance ${bad}`);
  }
  for (const sms of [8, 16, 20, 24, 32, 64, 112, 132]) {
    const { stream } = ctx.partitions.share(sms);
    const line = [];
    for (const rows of [256, 512, 1024, 2048, 4096]) {
      const t = {};
      for (const which of ["old", "new"]) t[which] = timer.perRepUs(graphWorkload([stream], () => launch(which, stream, rows)));
      line.push(`${rows}: ${t.old.toFixed(1)} -> ${t.new.toFixed(1)}`);
    }
    console.log(`q/kv ${qh}/${kvh} sms ${String(sms).padStart(3)} | ${line.join(" | ")}`);
  }
  for (const x of [a.qkv, a.pos, a.table, ...Object.values(outs.old), ...Object.values(outs.new)]) x.dispose();
}
ctx.dispose();
