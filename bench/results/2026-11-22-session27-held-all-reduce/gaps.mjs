// Where a traced layer's time between ops goes: for each op of the planned mode's traced layer, on
// each rank, how long after the last of what it waits for (its lane's previous op, and the ops of
// other lanes its stream waits on in the issue schedule) it started. "?" where one of those is in
// another layer (the trace holds one). Then the gaps summed by kind of wait: same lane, or from one
// lane to another. Medians of starts and durations, so a gap can read slightly negative.
// usage: node gaps.mjs PLAN REPORT   (REPORT: `nanoweave run --json` output after step()'s two header lines; needs dist/)
import { readFileSync } from "node:fs";
const dist = new URL("../../../dist/", import.meta.url);
const { operationsFor } = await import(new URL("runtime/plan/executionModes.js", dist));
const { buildIssueSchedule } = await import(new URL("runtime/plan/issueSchedule.js", dist));
const [planFile, reportFile] = process.argv.slice(2);
const plan = JSON.parse(readFileSync(planFile, "utf8"));
const lines = readFileSync(reportFile, "utf8").split("\n");
const report = JSON.parse(lines.slice(lines.findIndex((line) => line.startsWith("{"))).join("\n"));
const trace = report.modes.find((m) => m.mode === "planned").coRun;
const traced = new Map(trace.operations.map((op) => [op.id, op]));
const schedule = buildIssueSchedule(operationsFor(plan, "planned"), report.plan.layers);

// Walk the host order: each run step's lane predecessor and the producers of the waits just before it.
const lastOnLane = new Map();
const producerOf = new Map();
const pending = new Map();
const rows = [];
for (const step of schedule.steps) {
  if (step.kind === "record") producerOf.set(step.event, lastOnLane.get(step.lane));
  else if (step.kind === "wait") pending.set(step.lane, [...(pending.get(step.lane) ?? []), producerOf.get(step.event)]);
  else {
    if (step.instance.layer === trace.layer) rows.push({ instance: step.instance, before: [lastOnLane.get(step.lane), ...(pending.get(step.lane) ?? [])].filter(Boolean) });
    lastOnLane.set(step.lane, step.instance);
    pending.set(step.lane, []);
  }
}

const ranks = trace.operations[0].rankStartUs.length;
const endOn = (instance, rank) => {
  const op = traced.get(instance.op.id);
  return op.rankStartUs[rank] + op.rankUs[rank];
};
const totals = new Map();
const fmt = (v) => (v === undefined ? "?" : v.toFixed(1)).padStart(7);
console.log(`${"op".padEnd(26)} ${"lane".padEnd(15)} ${"after".padEnd(42)} gap on each rank (us)`);
for (const { instance, before } of rows) {
  const op = traced.get(instance.op.id);
  const outside = before.some((b) => b.layer !== trace.layer);
  const gaps = [];
  let last;
  for (let rank = 0; rank < ranks; rank++) {
    if (outside || before.length === 0) { gaps.push(undefined); continue; }
    const latest = before.reduce((a, b) => (endOn(b, rank) > endOn(a, rank) ? b : a));
    if (rank === 0) last = latest;
    gaps.push(op.rankStartUs[rank] - endOn(latest, rank));
  }
  const kind = last === undefined ? undefined : last.lane === instance.lane ? `same lane (${instance.lane})` : `${last.lane} -> ${instance.lane}`;
  if (kind) {
    const sum = totals.get(kind) ?? { count: 0, us: new Array(ranks).fill(0) };
    sum.count++;
    gaps.forEach((gap, rank) => (sum.us[rank] += gap));
    totals.set(kind, sum);
  }
  const after = last ? `${last.op.id}${last.lane === instance.lane ? "" : ` (${last.lane})`}` : outside ? "(a previous layer's op)" : "-";
  console.log(`${instance.op.id.padEnd(26)} ${instance.lane.padEnd(15)} ${after.padEnd(42)} ${gaps.map(fmt).join(" ")}`);
}
console.log(`\nknown gaps by kind of wait (rank 0's latest producer sets the kind), summed over the layer's ops:`);
for (const [kind, { count, us }] of [...totals].sort()) console.log(`  ${kind.padEnd(44)} ${String(count).padStart(3)} ops ${us.map(fmt).join(" ")}`);
