import { test } from "node:test";
import assert from "node:assert/strict";
import { resolveGpu, resolveModel, resolveWorkload } from "../../planner/config/index.js";
import { sizeDenseBatch } from "../../planner/model/dense-batch.js";
import { buildLayerGraph, profiledGemmShapes, tokenCounts } from "../../planner/model/layer-graph.js";
import { shardModel } from "../../planner/model/shard.js";
import { analyticProfile } from "../../planner/profile/analytic.js";
import { CostModel } from "../../planner/profile/cost-model.js";
import type { InterferencePoint, Profile } from "../../planner/profile/schema.js";
import { buildScheduleProblem } from "../../planner/schedule/build-problem.js";

/**
 * Llama-2-70B at TP4 on H200s, with the all-reduce-beside-attention factors and the element-wise
 * kernels' factor beside attention given, and optionally the GEMM-beside-all-reduce points.
 */
async function tp4Problem(allReduceFactor: number, attentionFactor: number, elementwiseFactor = 1.05, gemmWithAllReduce?: InterferencePoint[], gemmWithAttention?: InterferencePoint[]) {
  const gpu = await resolveGpu("h200");
  const shard = shardModel(await resolveModel("llama-70b"), 4);
  const batch = sizeDenseBatch(shard, gpu, await resolveWorkload("decode-1024"), { batch: 512, granule: 128 });
  const base = analyticProfile(gpu, {
    gemmShapes: profiledGemmShapes(shard),
    attention: [{ headDim: 128, groupSize: 8, kvHeads: 2 }],
    allReduceGpus: [4],
    toolVersion: "test",
  });
  const profile: Profile = {
    ...base,
    interference: {
      ...base.interference,
      gemmWithAttention: gemmWithAttention ?? base.interference.gemmWithAttention.map((point) => ({ ...point, gemmFactor: 1.05, elementwiseFactor })),
      allReduceWithAttention: [8, 32].map((networkSms) => ({ networkSms, memorySms: 24, allReduceFactor, attentionFactor })),
      gemmWithAllReduce: gemmWithAllReduce ?? base.interference.gemmWithAllReduce,
    },
  };
  const cost = new CostModel(profile);
  const graph = buildLayerGraph(shard, batch, cost);
  const problem = buildScheduleProblem(graph, batch, cost, gpu);
  const group = (id: string): number => problem.groups.findIndex((g) => g.id === id);
  /** Group `id`'s element-wise kernels' time alone on `sms` SMs, a nano-batch of `granules`. */
  const elementwiseAloneUs = (id: string, granules: number, sms: number): number =>
    graph.groups[group(id)]!.kernels.filter((k) => k.elementwise).reduce((sum, k) => sum + k.timeUs(tokenCounts(batch, granules * batch.granule), sms), 0);
  return { problem, group, elementwiseAloneUs };
}

test("beside attention, a compute group's element-wise kernels take the element-wise factor and its GEMMs the GEMM's", async () => {
  const plain = await tp4Problem(1, 1);
  const slowed = await tp4Problem(1, 1, 2.1);
  const ffnIn = plain.group("ffn_in");
  const before = plain.problem.kernelDurationsUs(ffnIn, 4, 104);
  const after = slowed.problem.kernelDurationsUs(ffnIn, 4, 104);
  // ffn_in is RMSNorm, the gate/up GEMM, SiLU-and-mul.
  assert.deepEqual(after.map((time, k) => Math.round((1e6 * time) / before[k]!) / 1e6), [2, 1, 2]);
  assert.ok(Math.abs(slowed.problem.durationUs(ffnIn, 4, 104) - after.reduce((a, b) => a + b, 0)) < 1e-9, "a group's time is its kernels' sum");
  // On the whole GPU nothing is slowed.
  assert.deepEqual(slowed.problem.kernelDurationsUs(ffnIn, 4, 132), plain.problem.kernelDurationsUs(ffnIn, 4, 132));
});

test("in a tensor-parallel split, the all-reduce and attention are slowed by the measured all-reduce-beside-attention factors", async () => {
  const plain = await tp4Problem(1, 1);
  const slowed = await tp4Problem(2, 1.1);
  const ratio = (id: string, sms: number): number =>
    slowed.problem.durationUs(slowed.group(id), 4, sms) / plain.problem.durationUs(plain.group(id), 4, sms);
  assert.ok(Math.abs(ratio("ar_d", 8) - 2) < 1e-9, `all-reduce ${ratio("ar_d", 8)}`);
  assert.ok(Math.abs(ratio("attn", 20) - 1.1) < 1e-9, `attention ${ratio("attn", 20)}`);
  // GEMMs keep their own factors, and nothing on the whole GPU is slowed.
  assert.equal(ratio("ffn_in", 104), 1);
  assert.equal(ratio("attn", 132), 1);
});

test("in a split, attention runs longer for the element-wise kernels of the compute groups in the split with it, by the measured factor beside them", async () => {
  // Attention slows 1.05 beside GEMMs (the analytic profile's partner factor is replaced) and 2.1 beside RMSNorm, on any SMs.
  const points = (partnerElementwiseFactor?: number): InterferencePoint[] =>
    [20, 36].map((partnerSms) => ({ partnerSms, gemmFactor: 1.05, partnerFactor: 1.05, elementwiseFactor: 1.4, ...(partnerElementwiseFactor ? { partnerElementwiseFactor } : {}) }));
  const { problem, group, elementwiseAloneUs } = await tp4Problem(1, 1, 1.4, undefined, points(2.1));
  const unmeasured = (await tp4Problem(1, 1, 1.4, undefined, points())).problem;
  const split = { compute: 104, memory: 20, network: 8 };
  const [attn, attnIn, ffnIn, o, arO] = ["attn", "attn_in", "ffn_in", "o", "ar_o"].map(group);
  const attention = (p: typeof problem, splitGroups: number[]): number => p.durationUs(attn!, 4, 20, { split, splitGroups });
  const alone = attention(problem, [attn!]);
  // Beside E us of element-wise kernels (their time alone on the compute partition) attention takes
  // E (1 - 1.05 / 2.1) = E / 2 more; GEMM-only groups and the all-reduce add nothing.
  const close = (actual: number, expected: number): void => assert.ok(Math.abs(actual - expected) < 1e-6, `${actual} != ${expected}`);
  const elementwiseUs = (id: string): number => elementwiseAloneUs(id, 4, 104);
  assert.ok(elementwiseUs("ffn_in") > 1, `ffn_in's element-wise kernels take ${elementwiseUs("ffn_in")} us`);
  close(attention(problem, [attn!, ffnIn!]) - alone, elementwiseUs("ffn_in") / 2);
  close(attention(problem, [attn!, attnIn!, ffnIn!, o!, arO!]) - alone, (elementwiseUs("attn_in") + elementwiseUs("ffn_in")) / 2);
  close(attention(problem, [attn!, o!, arO!]), alone);
  // The kernels' times carry it as the group's time does.
  const kernels = problem.kernelDurationsUs(attn!, 4, 20, { split, splitGroups: [attn!, ffnIn!] });
  close(kernels.reduce((a, b) => a + b, 0), attention(problem, [attn!, ffnIn!]));
  // Not measured, or on the whole GPU: nothing added.
  close(attention(unmeasured, [attn!, attnIn!, ffnIn!]), attention(unmeasured, [attn!]));
  close(problem.durationUs(attn!, 4, 132, { splitGroups: [attn!, ffnIn!] }), problem.durationUs(attn!, 4, 132));
});

test("beside an all-reduce, a GEMM is slowed by the factor measured on its own group's SMs", async () => {
  const point = (partnerSms: number, gemmFactor: number, gemmSms?: number): InterferencePoint => ({ partnerSms, gemmFactor, partnerFactor: 1, ...(gemmSms ? { gemmSms } : {}) });
  const none = await tp4Problem(1, 1, 1.05, [point(8, 1), point(32, 1)]);
  const onGroups = await tp4Problem(1, 1, 1.05, [point(8, 1.3, 112), point(32, 1.1, 88)]);
  // Without gemmSms (older profiles), a point's GEMM had every SM the partner left: 124 and 100.
  const onRemainders = await tp4Problem(1, 1, 1.05, [point(8, 1.3), point(32, 1.1)]);
  const gateUp = (problem: typeof none): number => problem.problem.kernelDurationsUs(problem.group("ffn_in"), 4, 112)[1]!;
  assert.ok(Math.abs(gateUp(onGroups) / gateUp(none) - 1.3) < 1e-9, `measured on a 112-SM group: ${gateUp(onGroups) / gateUp(none)}`);
  assert.ok(Math.abs(gateUp(onRemainders) / gateUp(none) - 1.2) < 1e-9, `between remainders of 124 and 100: ${gateUp(onRemainders) / gateUp(none)}`);
});

test("in a split of three, a GEMM's factors are read at its partners' SMs: attention's beside attention, the all-reduce's beside the all-reduce", async () => {
  const point = (partnerSms: number, gemmFactor: number, gemmSms?: number): InterferencePoint => ({ partnerSms, gemmFactor, partnerFactor: 1, ...(gemmSms ? { gemmSms } : {}) });
  const none = await tp4Problem(1, 1, 1.05, [point(8, 1), point(32, 1)], [point(36, 1), point(44, 1)]);
  // GEMM beside attention on 36 or 44 SMs (the GEMM on 96 or 88); beside an all-reduce on 8 or 32 (the GEMM on 112 or 88).
  const slowed = await tp4Problem(1, 1, 1.05, [point(8, 1.1, 112), point(32, 1.4, 88)], [point(36, 1.3), point(44, 1.7)]);
  const gateUp = (problem: typeof none, split?: { compute: number; memory: number; network: number }): number =>
    problem.problem.kernelDurationsUs(problem.group("ffn_in"), 4, 88, split ? { split } : {})[1]!;
  const split = { compute: 88, memory: 36, network: 8 };
  assert.ok(Math.abs(gateUp(slowed, split) / gateUp(none, split) - 1.3 * 1.1) < 1e-9, `88 | 36 | 8: ${gateUp(slowed, split) / gateUp(none, split)}`);
  // Without the split, both are read at the GEMM's 88 SMs: attention's as on 44, the all-reduce's as on 32.
  assert.ok(Math.abs(gateUp(slowed) / gateUp(none) - 1.7 * 1.4) < 1e-9, `on 88 SMs: ${gateUp(slowed) / gateUp(none)}`);
});
