// Scratch (session 17): does each algorithm of a GEMM algorithm table compute what cuBLAS's own pick
// computes? Same random bf16 operands, both outputs in bf16, relative error over the whole output.
// usage: node verify-table.mjs TABLE.json
import { readFileSync } from "node:fs";
import { GpuContext } from "../../dist/planner/profiling/gpu/gpu-context.js";
const table = JSON.parse(readFileSync(process.argv[2], "utf8"));
const ctx = GpuContext.open(0, { min: 8, granularity: 8 });
let bad = 0;
for (const e of table.entries) {
  const share = e.sms === ctx.gpu.info.smCount ? ctx.partitions.share(e.sms) : ctx.partitions.split(e.sms).group;
  const a = ctx.random.bf16(e.rows * e.k);
  const b = ctx.random.bf16(e.n * e.k);
  const out = (algorithm) => {
    const c = ctx.gpu.allocate("bf16", e.rows * e.n);
    share.cublas.gemm({ stream: share.stream, a, b, c, m: e.rows, n: e.n, k: e.k, algorithm });
    share.stream.synchronize();
    const host = c.download();
    c.dispose();
    return host;
  };
  const reference = out(undefined);
  const result = out(e.algorithm);
  let num = 0, den = 0;
  for (let i = 0; i < reference.length; i++) {
    num += (result[i] - reference[i]) ** 2;
    den += reference[i] ** 2;
  }
  const error = Math.sqrt(num / den);
  const ok = error < 1e-2;
  if (!ok) bad++;
  console.log(`${ok ? "ok  " : "BAD "} ${e.n}x${e.k} rows ${e.rows} on ${e.sms} beside ${e.beside} tile ${e.config.tile} cluster ${e.config.cluster}: relative error against cuBLAS's pick ${error.toExponential(2)}`);
  a.dispose();
  b.dispose();
}
console.log(bad ? `${bad} of ${table.entries.length} algorithms compute something else` : `all ${table.entries.length} algorithms agree with cuBLAS's pick`);
ctx.dispose();
process.exit(bad ? 1 : 0);
