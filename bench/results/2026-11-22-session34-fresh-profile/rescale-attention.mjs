// Recomputes a profile's scaled decode-attention points (those beyond the 1 GiB a full profile
// measures) from its measured ones with the profiler's current rule (planner/profiling/attention-grid.ts),
// in place, and rewrites the note that counts them. Measured points are left as they are.
// usage, from the repository root after `npx tsc -p .`: node rescale-attention.mjs PROFILE...
import { readFileSync, writeFileSync } from "node:fs";
import { fillAttentionGrid, pointsToMeasure, scaledPointsNote } from "../../../dist/planner/profiling/attention-grid.js";
import { formatProfileJson } from "../../../dist/planner/profiling/profile-json.js";

const MEASURED_KV_BYTES = 2 ** 30; // profileGrid's attentionMaxKvBytes for a full profile

for (const file of process.argv.slice(2)) {
  const profile = JSON.parse(readFileSync(file, "utf8"));
  let scaled = 0;
  let changed = 0;
  for (const table of profile.decodeAttention) {
    const points = pointsToMeasure(table, table.requests, table.context, MEASURED_KV_BYTES);
    const measured = points.map((point) => ({
      point,
      timeUs: table.timeUs[table.requests.indexOf(point.requests)][table.context.indexOf(point.context)],
    }));
    const filled = fillAttentionGrid(table, table.requests, table.context, measured);
    const before = table.timeUs.flat(2);
    table.timeUs = filled.timeUs.map((row) => row.map((times) => times.map((t) => Math.round(t * 1000) / 1000)));
    changed += table.timeUs.flat(2).filter((t, i) => t !== before[i]).length;
    scaled += filled.scaled;
  }
  profile.provenance.notes = profile.provenance.notes.map((note) =>
    note.startsWith("decode attention: ") && note.includes("grid points beyond the measured KV size") ? scaledPointsNote(scaled) : note,
  );
  writeFileSync(file, formatProfileJson(profile));
  console.log(`${file}: ${scaled} scaled points, ${changed} values changed`);
}
