// Where a mode's layer time goes, from a kernel trace (kernel_trace.cpp's CSV) of `nanoweave run`-
// style iterations: each kernel of the iteration graph matched to its plan operation by the order
// the runtime captures them (issueSchedule), then per operation its time running beside the others
// against the plan's prediction, each lane's busy time per layer, and the wait from each cross-lane
// producer's end to its consumer's start. Medians over the middle layers of the chosen iterations.
// One GPU, one graph per mode, modes captured in the order given.
// usage: node bench/trace/kernel-timeline.mjs KERNELS.csv[.gz] PLAN [modes=planned,sequential] [iterations=last:100]
import { readFileSync } from "node:fs";
import { gunzipSync } from "node:zlib";
import { readPlanFile } from "../../dist/planner/plan/plan-file.js";
import { operationsFor } from "../../dist/runtime/plan/executionModes.js";
import { buildIssueSchedule } from "../../dist/runtime/plan/issueSchedule.js";

const [file, planFile, modeList = "planned,sequential", pick = "last:100"] = process.argv.slice(2);
if (!file || !planFile) throw new Error("usage: kernel-timeline.mjs KERNELS.csv[.gz] PLAN [modes] [first:N|last:N]");
const plan = await readPlanFile(planFile);
const layers = plan.model.shard.layers;
const raw = readFileSync(file);
const text = (file.endsWith(".gz") ? gunzipSync(raw) : raw).toString();
// Nanosecond timestamps exceed a double's exact range: microseconds from the first start, in BigInt first.
const fields = text.trim().split("\n").slice(1).map((line) => line.split(","));
const t0 = fields.reduce((least, f) => (BigInt(f[0]) < least ? BigInt(f[0]) : least), BigInt(fields[0][0]));
const us = (ns) => Number(BigInt(ns) - t0) / 1000;
const rows = fields.map((f) => ({ start: us(f[0]), end: us(f[1]), graph: Number(f[6]), node: Number(BigInt(f[7]) & 0xffffffffn) }));
const graphs = [...new Set(rows.filter((r) => r.graph > 0).map((r) => r.graph))].sort((a, b) => a - b);
const median = (xs) => { const s = [...xs].sort((a, b) => a - b); return s.length ? s[Math.floor(s.length / 2)] : NaN; };
const f1 = (x) => (Number.isFinite(x) ? x.toFixed(1) : "-").padStart(8);

modeList.split(",").forEach((mode, index) => {
  const ops = operationsFor(plan, mode);
  const runs = buildIssueSchedule(ops, layers).steps.filter((s) => s.kind === "run").map((s) => s.instance);
  const kernels = rows.filter((r) => r.graph === graphs[index]).sort((a, b) => a.start - b.start);
  // An iteration starts at its graph's first node; kernels of one launch all run before the next.
  const iterations = [];
  for (const k of kernels) { if (k.node === 0) iterations.push([]); iterations.at(-1)?.push(k); }
  const prologue = 1, epilogue = 3, expected = prologue + runs.length + epilogue;
  const whole = iterations.filter((it) => it.length === expected);
  const [where, n] = pick.split(":");
  const chosen = where === "first" ? whole.slice(0, Number(n)) : whole.slice(-Number(n));
  console.log(`\n== ${mode}: ${iterations.length} iterations traced (${whole.length} complete, ${expected} kernels each), ${chosen.length} used (${pick})`);
  const spans = chosen.map((it) => Math.max(...it.map((k) => k.end)) - it[0].start);
  console.log(`iteration (first kernel start to last end): median ${median(spans).toFixed(1)} us; plan ${mode === "planned" ? plan.prediction.iterationUs.toFixed(1) : plan.prediction.sequential.iterationUs.toFixed(1)} us`);
  const middle = (layer) => layer >= 2 && layer < layers - 2;
  const byOp = new Map(), period = [], laneBusy = new Map(), waits = new Map();
  for (const it of chosen) {
    const byNode = [...it].sort((a, b) => a.node - b.node).slice(prologue, prologue + runs.length);
    const at = new Map(runs.map((inst, i) => [`${inst.layer}:${inst.op.id}`, { inst, k: byNode[i] }]));
    for (const { inst, k } of at.values()) {
      if (!middle(inst.layer)) continue;
      (byOp.get(inst.op.id) ?? byOp.set(inst.op.id, []).get(inst.op.id)).push(k.end - k.start);
      const busy = laneBusy.get(inst.lane) ?? laneBusy.set(inst.lane, new Map()).get(inst.lane);
      busy.set(`${it[0].start}:${inst.layer}`, (busy.get(`${it[0].start}:${inst.layer}`) ?? 0) + k.end - k.start);
      for (const d of inst.op.dependsOn) {
        const p = at.get(`${inst.layer + d.layer}:${d.op}`);
        if (!p || p.inst.lane === inst.lane) continue;
        const key = `${d.op} -> ${inst.op.id}`;
        (waits.get(key) ?? waits.set(key, []).get(key)).push(k.start - p.k.end);
      }
    }
    const first = runs[0].op.id;
    for (let l = 2; l < layers - 3; l++) period.push(at.get(`${l + 1}:${first}`).k.start - at.get(`${l}:${first}`).k.start);
  }
  console.log(`layer period (${runs[0].op.id} start to the next layer's): median ${median(period).toFixed(1)} us; plan ${(mode === "sequential" ? plan.prediction.sequential.layerUs : ops.periodUs).toFixed(1)} us`);
  console.log(`  op                          lane                 predicted  measured    ratio`);
  for (const op of ops.operations) {
    const m = median(byOp.get(op.id) ?? []);
    const p = op.endUs - op.startUs;
    console.log(`  ${op.id.padEnd(27)} ${ops.laneOf(op).padEnd(18)} ${f1(mode === "planned" ? p : NaN)}  ${f1(m)} ${mode === "planned" ? (m / p).toFixed(3).padStart(8) : ""}`);
  }
  for (const [lane, busy] of laneBusy) {
    const predicted = ops.operations.filter((op) => ops.laneOf(op) === lane).reduce((s, op) => s + op.endUs - op.startUs, 0);
    console.log(`lane ${lane.padEnd(18)} busy a layer: predicted ${predicted.toFixed(1)} us, measured ${median([...busy.values()]).toFixed(1)} us`);
  }
  if (waits.size) console.log("cross-lane waits (consumer start - producer end), median us:");
  for (const [key, xs] of waits) console.log(`  ${key.padEnd(55)} ${f1(median(xs))}`);
});
