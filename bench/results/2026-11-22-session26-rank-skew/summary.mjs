// Prints a `nanoweave run --json` report's co-run trace with every rank's start and duration of each op.
// usage: node summary.mjs REPORT.txt (the report after the two header lines step() writes)
import { readFileSync } from "node:fs";
const report = JSON.parse(readFileSync(process.argv[2], "utf8").split("\n").slice(2).join("\n"));
for (const mode of report.modes) {
  console.log(`${mode.mode}: layer ${mode.layerUs.toFixed(1)} us`);
  if (!mode.coRun) continue;
  console.log(`  ${"op".padEnd(26)} ${"lane".padEnd(15)} ${"start on each rank".padEnd(34)} time on each rank`);
  for (const op of mode.coRun.operations) {
    const row = (values) => values.map((v) => v.toFixed(1).padStart(7)).join(" ");
    console.log(`  ${op.id.padEnd(26)} ${op.lane.padEnd(15)} ${row(op.rankStartUs).padEnd(34)} ${row(op.rankUs)}`);
  }
}
