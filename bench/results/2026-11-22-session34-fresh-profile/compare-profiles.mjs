// Compares two profiles (shipped, then fresh): the GEMM points both have (fresh over shipped, 5th/50th/95th percentile), a few shard GEMMs,
// attention at 1024 x 1024 by SM count, the factors beside attention and the sustained-load section. usage: node compare-profiles.mjs SHIPPED FRESH
import fs from "node:fs";
const [a, b] = process.argv.slice(2).map((f) => JSON.parse(fs.readFileSync(f, "utf8")));
console.log("sms axes:", JSON.stringify(a.gemm[0].sms), "vs", JSON.stringify(b.gemm[0].sms));
const ratios = [];
for (const ta of a.gemm) {
  const tb = b.gemm.find((t) => t.n === ta.n && t.k === ta.k); if (!tb) continue;
  for (const [i, tok] of ta.tokens.entries()) { const j = tb.tokens.indexOf(tok); if (j < 0) continue;
    for (const [s, sms] of ta.sms.entries()) { const u = tb.sms.indexOf(sms); if (u < 0) continue; ratios.push({ key: `${ta.n}x${ta.k}@${tok}/${sms}`, r: tb.timeUs[j][u] / ta.timeUs[i][s], sms, tok }); } }
}
const q = (xs) => { const s = xs.map((x) => x.r).sort((x, y) => x - y); return [0.05, 0.5, 0.95].map((p) => s[Math.floor(p * (s.length - 1))].toFixed(3)).join("/"); };
console.log("GEMM fresh/shipped all points p5/p50/p95:", q(ratios), ratios.length);
for (const key of ["7168x8192@1024/112", "8192x3584@1024/112", "1280x8192@1024/132", "8192x1024@1024/132", "7168x8192@2048/132", "8192x3584@2048/132"]) { const r = ratios.find((x) => x.key === key); console.log(key, r?.r.toFixed(3)); }
const att = (p) => { const t = p.decodeAttention.find((t) => t.kvHeads === 1 && t.groupSize === 8); return t; };
const ta = att(a), tb = att(b);
for (const sms of [12, 20, 28, 36, 132]) { const i = ta.sms.indexOf(sms), j = tb.sms.indexOf(sms); const ri = ta.requests.indexOf(1024), ci = ta.context.indexOf(1024); console.log("attention 1024x1024 @", sms, ta.timeUs[ri][ci][i], tb.timeUs[ri][ci][j]); }
console.log("interference", JSON.stringify(a.interference.gemmWithAttention.slice(0, 3)), "\n  fresh", JSON.stringify(b.interference.gemmWithAttention.slice(0, 3)));
console.log("sustained", JSON.stringify(a.sustainedLoad), "\n  fresh", JSON.stringify(b.sustainedLoad));
