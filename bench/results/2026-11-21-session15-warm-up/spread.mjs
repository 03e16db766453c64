import { readFileSync } from "node:fs";
const [dir, id] = process.argv.slice(2);
const load = (n) => JSON.parse(readFileSync(`${dir}/${id}.${n}.json`)).elementwise;
for (const which of ["head", "tree"]) {
  const a = load(`${which}-1`), b = load(`${which}-2`);
  const rel = (x, y) => Math.abs(x - y) / Math.min(x, y);
  const curve = a.bandwidthTBs.map((x, i) => rel(x, b.bandwidthTBs[i]));
  const out = [`${which}: curve spread max ${(100 * Math.max(...curve)).toFixed(1)}% (at ${a.sms[curve.indexOf(Math.max(...curve))]} SMs), median ${(100 * curve.sort((x, y) => x - y)[curve.length >> 1]).toFixed(1)}%`];
  for (const t of a.tables) {
    const u = b.tables.find((x) => x.kernel === t.kernel);
    const d = t.timeUs.flatMap((row, i) => row.map((x, j) => ({ r: rel(x, u.timeUs[i][j]), at: `${t.tokens[i]} rows ${t.sms[j]} SMs` })));
    d.sort((x, y) => y.r - x.r);
    out.push(`  ${t.kernel}: max ${(100 * d[0].r).toFixed(1)}% (${d[0].at}), median ${(100 * d[d.length >> 1].r).toFixed(1)}%, points over 5%: ${d.filter((x) => x.r > 0.05).length} of ${d.length}`);
  }
  console.log(out.join("\n"));
}
