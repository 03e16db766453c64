// Scratch: does RoPE's KV append slow down when its layer's cache is one of 16 (TLB reach), as in
// the runtime? Runtime-like pages (65 a row, shuffled over 272 MB a cache), positions 1023; each
// repetition writes layer 0 only, or the next of 16 layers' caches (8.7 GB in all).
import { KERNELS_DIR, KERNEL_SIGNATURES, kernelSourceWithHeaders } from "../../dist/runtime/kernels/kernelContracts.js";
import { GpuContext } from "../../dist/planner/profiling/gpu/gpu-context.js";
import { WorkTimer } from "../../dist/planner/profiling/gpu/timer.js";
import { graphWorkload } from "../../dist/planner/profiling/gpu/workload.js";

const ctx = GpuContext.open(0, 8);
await ctx.readyGate();
const timer = new WorkTimer(() => ctx.madeGate());
const qh = 8, kvh = 1, page = 16, rowsMax = 2048, maxPages = 65, pages = rowsMax * maxPages, layers = 16;
const kern = (await ctx.gpu.compileModule(await kernelSourceWithHeaders("rope_kv_append.cu"), { name: "rope.cu", options: [`--include-path=${KERNELS_DIR}`] })).kernel("rope_kv_append", KERNEL_SIGNATURES.rope_kv_append);
const qkv = ctx.random.bf16(rowsMax * (qh + 2 * kvh) * 128), q = ctx.gpu.allocate("bf16", rowsMax * qh * 128);
const order = Int32Array.from({ length: pages }, (_, i) => i);
for (let i = pages - 1; i > 0; i--) { const j = Math.floor(Math.random() * (i + 1)); [order[i], order[j]] = [order[j], order[i]]; }
const pos = ctx.gpu.upload("int32", Int32Array.from({ length: rowsMax }, () => 1023));
const tab = ctx.gpu.upload("int32", order);
const caches = Array.from({ length: layers }, () => ({ k: ctx.gpu.allocate("bf16", pages * kvh * page * 128), v: ctx.gpu.allocate("bf16", pages * kvh * page * 128) }));
const launch = (stream, rows, c) => kern.launch(stream, { grid: Math.ceil(rows / 8), block: 256 }, qkv, q, c.k, c.v, pos, tab, 0, rows, qh, kvh, page, maxPages, 10000);
for (const sms of [112, 132]) {
  const { stream } = ctx.partitions.share(sms);
  for (const rows of [1024, 2048]) {
    const one = timer.perRepUs(graphWorkload([stream], () => launch(stream, rows, caches[0])));
    const all = timer.perRepUs(graphWorkload([stream], (_, rep) => launch(stream, rows, caches[rep % layers]), layers));
    console.log(`rope ${sms} SMs ${rows} rows: one layer's cache ${one.toFixed(1)} us, the next of ${layers} layers' each time ${all.toFixed(1)} us`);
  }
}
ctx.dispose();
