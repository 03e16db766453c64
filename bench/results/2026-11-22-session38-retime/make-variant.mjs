// An experiment, not a planner feature: Llama-2-70B TP4 (8 layers, 2048 decode tokens at context
// 4096, peer all-reduce) planned as nanoweave plan plans it from the shipped H200 profile, but with
// no network partition: the all-reduces run on the compute partition, between the GEMMs, timed as
// on an 8-SM network partition of the split (the peer kernel is bound by NVLink, not SMs). The
// session-37 plan (88 | 36 | 8) leaves its 8 network SMs idle 85% of the layer.
// usage (from the repository root, after npx tsc -p .): node bench/results/2026-11-22-session38-retime/make-variant.mjs OUT.plan.json
import { writeFileSync } from "node:fs";
import { resolveGpu, resolveModel, resolveWorkload } from "../../../dist/planner/config/index.js";
import { sizeDenseBatch } from "../../../dist/planner/model/dense-batch.js";
import { buildLayerGraph } from "../../../dist/planner/model/layer-graph.js";
import { shardModel } from "../../../dist/planner/model/shard.js";
import { CostModel } from "../../../dist/planner/profile/cost-model.js";
import { loadProfileFor } from "../../../dist/planner/profile/load.js";
import { buildScheduleProblem } from "../../../dist/planner/schedule/build-problem.js";
import { searchSchedule } from "../../../dist/planner/schedule/search.js";
import { buildPlan } from "../../../dist/planner/plan/build-plan.js";
import { PlanSchema } from "../../../dist/planner/plan/schema.js";
import { replayViolations } from "../../../dist/planner/plan/replay.js";
import { NANOWEAVE_VERSION } from "../../../dist/planner/version.js";

const full = await resolveModel("llama-70b");
const model = { ...full, numLayers: 8, hf: { ...full.hf, num_hidden_layers: 8 } };
const gpu = await resolveGpu("h200");
const workload = await resolveWorkload("decode-4096");
const shard = shardModel(model, 4);
const batch = sizeDenseBatch(shard, gpu, workload, { batch: 2048, granule: 128 });
const profile = await loadProfileFor(gpu, { profilePath: "profiles/H200-SXM.json" });
const cost = new CostModel(profile.profile, "peer");
const graph = buildLayerGraph(shard, batch, cost, true);
const problem = buildScheduleProblem(graph, batch, cost, gpu);

const NETWORK_SMS = 8;
const isAllReduce = (group) => problem.groups[group].stream === "network";
// Where the all-reduce runs on the compute partition: priced as on an 8-SM network group carved from it.
const placed = (group, sms, placement) => {
  if (!placement?.split) return [sms, placement];
  const { compute, memory } = placement.split;
  return isAllReduce(group) ? [NETWORK_SMS, { ...placement, split: { compute: compute - NETWORK_SMS, memory, network: NETWORK_SMS } }] : [sms, { ...placement, split: { compute, memory, network: 0 } }];
};
const variant = {
  ...problem,
  groups: problem.groups.map((g) => ({ ...g, stream: g.stream === "network" ? "compute" : g.stream })),
  partitionShares: { compute: problem.partitionShares.compute, network: [] },
  laneSwitch: cost.laneSwitchCosts(2),
  durationUs: (group, size, sms, placement) => problem.durationUs(group, size, ...placed(group, sms, placement)),
  kernelDurationsUs: (group, size, sms, placement) => problem.kernelDurationsUs(group, size, ...placed(group, sms, placement)),
};
const search = await searchSchedule(variant, { backend: "highs", timeLimitSeconds: 8, relativeGap: 0.001, maxNanoBatches: 8, layers: shard.layers });
// The sequential baseline as nanoweave plan prices it (the original problem: the all-reduce's share of a sequential layer).
const original = await searchSchedule(problem, { backend: "highs", timeLimitSeconds: 8, relativeGap: 0.001, maxNanoBatches: 8, layers: shard.layers });
const plan = buildPlan({
  model, gpu, workload, shard, batch, profile, graph, problem: variant, search: { ...search, sequential: original.sequential }, allReduce: true, allReduceMethod: "peer",
  notes: ["experiment (session 38, make-variant.mjs): no network partition; the all-reduces run on the compute partition"],
  backend: "highs", timeLimitSeconds: 8, toolVersion: NANOWEAVE_VERSION,
});
for (const op of plan.operations) if (op.kind === "all_reduce" && op.layout === "split") op.stream = "compute";
PlanSchema.parse(plan);
const violations = replayViolations(plan);
if (violations.length > 0) throw new Error(violations.slice(0, 5).join("\n"));
writeFileSync(process.argv[2], JSON.stringify(plan, null, 2) + "\n");
console.log(`${plan.nanoBatches.length} nano-batches on ${JSON.stringify(plan.layouts.at(-1).partitions)}: layer ${plan.prediction.layerUs.toFixed(1)} us, ` +
  `sequential ${plan.prediction.sequential.layerUs.toFixed(1)} us (${(plan.prediction.sequential.layerUs / plan.prediction.layerUs).toFixed(3)}x); nanoweave plan's: ${original.best.periodUs.toFixed(1)} us`);
