// Scratch A/B: old rmsnorm (a block a row) against the new (persistent blocks, next row's loads
// ahead), same buffers, inputs rotated out of L2 like the profile, timed like the profile (graph
// replays, median), at rows x SMs. Checks the outputs agree bit for bit.
import { readFile } from "node:fs/promises";
import { KERNELS_DIR, KERNEL_SIGNATURES } from "../../dist/runtime/kernels/kernelContracts.js";
import { GpuContext } from "../../dist/planner/profiling/gpu/gpu-context.js";
import { WorkTimer } from "../../dist/planner/profiling/gpu/timer.js";
import { graphWorkload } from "../../dist/planner/profiling/gpu/workload.js";

const ctx = GpuContext.open(0, 8);
await ctx.readyGate();
const timer = new WorkTimer(() => ctx.madeGate());
const common = await readFile(`${KERNELS_DIR}common.cuh`, "utf8");
async function mod(file, name) {
  const src = (await readFile(file, "utf8")).replace('#include "common.cuh"', common);
  return ctx.gpu.compileModule(src, { name });
}
const SMS = [8, 16, 20, 24, 32, 64, 112, 132];
const ROWS = [256, 512, 1024, 2048, 4096];
const CAP = 16384;

function same(a, b) {
  const x = a.download(), y = b.download();
  let bad = 0;
  for (let i = 0; i < x.length; i++) if (!(Object.is(x[i], y[i]) || (Number.isNaN(x[i]) && Number.isNaN(y[i])))) bad++;
  return bad;
}

// ---- RMSNorm
{
  const h = 8192, sig = KERNEL_SIGNATURES.rmsnorm;
  const k = { old: (await mod(".exp/v34/rmsnorm.old.cu", "old.cu")).kernel("rmsnorm", sig), new: (await mod(`${KERNELS_DIR}rmsnorm.cu`, "new.cu")).kernel("rmsnorm", sig) };
  const x = ctx.random.bf16(CAP * h), w = ctx.random.bf16(h), out = { old: ctx.gpu.allocate("bf16", CAP * h), new: ctx.gpu.allocate("bf16", CAP * h) };
  const launch = (which, stream, sms, b, e) => which === "old"
    ? k.old.launch(stream, { grid: e - b, block: 256 }, x, w, out.old, b, e, h, 1e-5)
    : k.new.launch(stream, { grid: Math.min(e - b, sms * 4), block: 256 }, x, w, out.new, b, e, h, 1e-5);
  for (const grid of [132, 16]) {
    launch("old", ctx.setupStream, grid, 0, CAP); launch("new", ctx.setupStream, grid, 0, CAP); ctx.setupStream.synchronize();
    console.log(`rmsnorm ${CAP} rows, new grid for ${grid} SMs: elements differing old/new ${same(out.old, out.new)}`);
  }
  for (const sms of SMS) {
    const { stream } = ctx.partitions.share(sms);
    const line = [];
    for (const rows of ROWS) {
      const rot = Math.floor(CAP / rows), t = {};
      for (const which of ["old", "new"]) t[which] = timer.perRepUs(graphWorkload([stream], (_, rep) => launch(which, stream, sms, (rep % rot) * rows, (rep % rot + 1) * rows), rot));
      line.push(`${rows}: ${t.old.toFixed(1)} -> ${t.new.toFixed(1)} (${(rows * 32768 / t.new / 1e6).toFixed(2)} TB/s)`);
    }
    console.log(`rmsnorm sms ${String(sms).padStart(3)} | ${line.join(" | ")}`);
  }
  [x, w, out.old, out.new].forEach((a) => a.dispose());
}

ctx.dispose();
