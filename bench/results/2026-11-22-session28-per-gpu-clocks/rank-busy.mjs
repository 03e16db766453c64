// Which rank's own work is slowest: in the planned mode's traced layer, each rank's op times summed
// by lane, then that rank's excess over the fastest rank, lane by lane. A rank whose GEMMs run
// slower than the others' by the same share as its clock is lower holds a lower clock; one whose
// ops are as fast as the others' but start later waits on something else.
// usage: node rank-busy.mjs REPORT   (REPORT: `nanoweave run --json` output after step()'s two header lines)
import { readFileSync } from "node:fs";
const lines = readFileSync(process.argv[2], "utf8").split("\n");
const report = JSON.parse(lines.slice(lines.findIndex((line) => line.startsWith("{"))).join("\n"));
const planned = report.modes.find((m) => m.mode === "planned");
const trace = planned.coRun;
const ranks = trace.operations[0].rankUs.length;
const byLane = new Map();
for (const op of trace.operations) {
  const sums = byLane.get(op.lane) ?? new Array(ranks).fill(0);
  op.rankUs.forEach((us, rank) => (sums[rank] += us));
  byLane.set(op.lane, sums);
}
const fmt = (v) => v.toFixed(1).padStart(8);
console.log(`layer ${trace.layer}: each rank's op times summed by lane (us); ranks in order, then the slowest over the fastest`);
for (const [lane, sums] of [...byLane].sort()) {
  const least = Math.min(...sums);
  console.log(`  ${lane.padEnd(15)} ${sums.map(fmt).join(" ")}   slowest +${(100 * (Math.max(...sums) / least - 1)).toFixed(1)}%`);
}
for (const { mode, power } of report.modes) {
  if (power?.perGpu) console.log(`  ${mode.padEnd(11)} SM clock by rank: ${power.perGpu.map((gpu) => `GPU ${gpu.device} ${gpu.smClockMhz.toFixed(0)} MHz`).join(", ")}`);
}
