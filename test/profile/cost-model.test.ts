import { test } from "node:test";
import assert from "node:assert/strict";
import { resolveGpu } from "../../planner/config/index.js";
import { analyticProfile } from "../../planner/profile/analytic.js";
import { CostModel, extrapolateAllReduce } from "../../planner/profile/cost-model.js";
import { interpolate1d } from "../../planner/profile/interpolate.js";
import { ProfileSchema } from "../../planner/profile/schema.js";

const request = {
  gemmShapes: [{ n: 1280, k: 8192 }, { n: 8192, k: 1024 }],
  attention: [{ headDim: 128, groupSize: 8, kvHeads: 1 }],
  allReduceGpus: [2, 4],
  toolVersion: "test",
};

test("interpolation is exact on the grid, linear between, and continues the last segment", () => {
  assert.equal(interpolate1d([1, 2, 4], [10, 20, 40], 2), 20);
  assert.equal(interpolate1d([1, 2, 4], [10, 20, 40], 3), 30);
  assert.equal(interpolate1d([1, 2, 4], [10, 20, 40], 8), 80);
});

test("the analytic profile validates and behaves like hardware: more SMs and fewer tokens are faster", async () => {
  const profile = analyticProfile(await resolveGpu("h100"), request);
  assert.doesNotThrow(() => ProfileSchema.parse(profile));
  assert.equal(profile.source, "analytic");
  const cost = new CostModel(profile);
  assert.ok(cost.gemmUs(1280, 8192, 2048, 132) < cost.gemmUs(1280, 8192, 2048, 64));
  assert.ok(cost.gemmUs(1280, 8192, 1024, 132) < cost.gemmUs(1280, 8192, 2048, 132));
  const attention = { requests: 2048, context: 1024, kvHeads: 1, groupSize: 8, headDim: 128 };
  assert.ok(cost.decodeAttentionUs(attention, 24) > cost.decodeAttentionUs(attention, 132));
  // 1.07 GB of KV at about 85% of H100's 3.27 TB/s read limit.
  const us = cost.decodeAttentionUs(attention, 132);
  assert.ok(us > 350 && us < 450, `attention ${us} us`);
  assert.equal(cost.notes.size, 0);
});

test("shapes and GPU counts the profile lacks are scaled or extrapolated, and say so", async () => {
  const cost = new CostModel(analyticProfile(await resolveGpu("h100"), request));
  const scaled = cost.gemmUs(2560, 8192, 1024, 132);
  assert.ok(scaled > cost.gemmUs(1280, 8192, 1024, 132));
  const eight = cost.allReduceUs(16 * 2 ** 20, 8, 16);
  assert.ok(eight >= cost.allReduceUs(16 * 2 ** 20, 4, 16));
  assert.ok([...cost.notes].some((n) => n.includes("GEMM 2560x8192 not profiled")));
  assert.ok([...cost.notes].some((n) => n.includes("all-reduce at 8 GPUs not measured")));
});

test("the all-reduce fit reproduces the measured GPU counts it was fitted on", async () => {
  const profile = analyticProfile(await resolveGpu("h200"), { ...request, allReduceGpus: [2, 4, 8] });
  const measured = profile.allReduce.filter((t) => t.gpus !== 8);
  const fitted = extrapolateAllReduce(measured, 8);
  const truth = profile.allReduce.find((t) => t.gpus === 8)!;
  assert.deepEqual(fitted.extrapolatedFrom, [2, 4]);
  // The analytic tables follow the ring model exactly, so the fit recovers the 8-GPU table closely.
  const row = truth.bytes.length - 1;
  for (let c = 0; c < truth.ctas.length; c++) {
    const expected = truth.timeUs[row]![c]!;
    assert.ok(Math.abs(fitted.timeUs[row]![c]! - expected) / expected < 0.02, `ctas ${truth.ctas[c]}`);
  }
});

test("an element-wise kernel with a table of its own is read from it at the rows that move as many bytes; the others move theirs at RMSNorm's bandwidth", async () => {
  const profile = analyticProfile(await resolveGpu("h100"), request);
  const rope = { kernel: "rope_kv_append" as const, bytesPerToken: 1000, shape: "test", tokens: [100, 200], sms: [66, 132], timeUs: [[20, 10], [40, 20]] };
  const cost = new CostModel({ ...profile, elementwise: { ...profile.elementwise, tables: [rope] } });
  assert.equal(cost.elementwiseUs("rope_kv_append", 100, 1000, 132), 10);
  assert.equal(cost.elementwiseUs("rope_kv_append", 100, 1500, 132), 15, "150 rows of the measured shape");
  assert.equal(cost.elementwiseUs("rope_kv_append", 200, 1000, 99), 30);
  assert.equal(cost.elementwiseUs("rope_kv_append", 0, 1000, 132), 0);
  const { sms, bandwidthTBs, launchUs } = profile.elementwise;
  const silu = cost.elementwiseUs("silu_mul", 100, 1000, 132);
  assert.ok(Math.abs(silu - (launchUs + 100_000 / (bandwidthTBs[sms.indexOf(132)]! * 1e6))) < 1e-9, `silu ${silu} us`);

  const twice = ProfileSchema.safeParse({ ...profile, elementwise: { ...profile.elementwise, tables: [rope, rope] } });
  assert.equal(twice.success, false);
  assert.deepEqual(twice.error?.issues.map((issue) => issue.path.join(".")), ["elementwise.tables.1.kernel"]);
});

test("the peer all-reduce is read from the profile's peerAllReduce, NCCL's from its allReduce; a profile without peer measurements refuses peer", async () => {
  const profile = analyticProfile(await resolveGpu("h200"), request);
  const halved = profile.allReduce.map((t) => ({ ...t, timeUs: t.timeUs.map((row) => row.map((us) => us / 2)) }));
  const peerAllReduce = {
    tables: halved,
    gemmWithAllReduce: [{ partnerSms: 8, gemmFactor: 1.3, partnerFactor: 1.01, gemmSms: 112 }],
    allReduceWithAttention: [{ networkSms: 8, memorySms: 24, allReduceFactor: 1.02, attentionFactor: 1.2 }],
  };
  const withPeer = ProfileSchema.parse({ ...profile, peerAllReduce });
  const nccl = new CostModel(withPeer);
  const peer = new CostModel(withPeer, "peer");
  const bytes = 8 * 2 ** 20;
  assert.equal(peer.allReduceUs(bytes, 4, 16), nccl.allReduceUs(bytes, 4, 16) / 2);
  assert.equal(peer.besidePartner("allReduce", 112, 512).gemmFactor, 1.3);
  assert.notEqual(nccl.besidePartner("allReduce", 112, 512).gemmFactor, 1.3);
  assert.equal(peer.partnerBesideGemm("allReduce", 8, 512), 1.01);
  assert.equal(peer.allReduceBesideAttentionFactor(8), 1.02);
  assert.equal(peer.attentionBesideAllReduceFactor(), 1.2);
  // GEMM beside attention is the same measurement for either method.
  assert.deepEqual(peer.besidePartner("attention", 100, 512), nccl.besidePartner("attention", 100, 512));
  peer.allReduceUs(bytes, 8, 16);
  assert.ok([...peer.notes].some((n) => n.startsWith("peer all-reduce at 8 GPUs not measured")));
  assert.throws(() => new CostModel(profile, "peer"), /has no peer all-reduce measurements/);
});

test("GEMM beside attention is read at the GEMM's rows: linear in SMs, then in log rows between the measured counts, held past them and never below more rows'; element-wise from the points that have it", async () => {
  const profile = analyticProfile(await resolveGpu("h200"), request);
  // Two splits (attention on 20 or 36 SMs) at 256 and 2048 rows; RMSNorm measured on the 2048-row points.
  const gemmWithAttention = [
    { partnerSms: 20, gemmTokens: 256, gemmFactor: 1.4, partnerFactor: 1.5 },
    { partnerSms: 20, gemmTokens: 2048, gemmFactor: 1.1, partnerFactor: 1.2, elementwiseFactor: 1.3 },
    { partnerSms: 36, gemmTokens: 256, gemmFactor: 1.8, partnerFactor: 1.7 },
    { partnerSms: 36, gemmTokens: 2048, gemmFactor: 1.3, partnerFactor: 1.3, elementwiseFactor: 1.6 },
  ];
  const cost = new CostModel(ProfileSchema.parse({ ...profile, interference: { ...profile.interference, gemmWithAttention } }));
  const close = (actual: number, expected: number): void => assert.ok(Math.abs(actual - expected) < 1e-9, `${actual} != ${expected}`);
  // The GEMM holds what attention leaves: 112 SMs beside 20.
  close(cost.besidePartner("attention", 112, 2048).gemmFactor, 1.1);
  close(cost.besidePartner("attention", 112, 256).gemmFactor, 1.4);
  // 724 rows is half way between 256 and 2048 in log2 (8 to 11: 9.5).
  close(cost.besidePartner("attention", 112, 2 ** 9.5).gemmFactor, 1.25);
  close(cost.besidePartner("attention", 104, 256).gemmFactor, 1.6);
  close(cost.besidePartner("attention", 112, 128).gemmFactor, 1.4);
  close(cost.besidePartner("attention", 112, 8192).gemmFactor, 1.1);
  close(cost.partnerBesideGemm("attention", 36, 256), 1.7);
  close(cost.partnerBesideGemm("attention", 28, 2048), 1.25);
  // RMSNorm beside attention does not depend on the GEMM's rows.
  close(cost.besidePartner("attention", 104, 256).elementwiseFactor, 1.45);
  close(cost.besidePartner("attention", 104, 2048).elementwiseFactor, 1.45);
  // A measured dip at fewer rows is held at the factor of more rows.
  const dipped = [...gemmWithAttention, { partnerSms: 20, gemmTokens: 1024, gemmFactor: 1.05, partnerFactor: 1.1 }];
  const held = new CostModel(ProfileSchema.parse({ ...profile, interference: { ...profile.interference, gemmWithAttention: dipped } }));
  close(held.besidePartner("attention", 112, 1024).gemmFactor, 1.1);
  close(held.partnerBesideGemm("attention", 20, 1024), 1.2);
  close(held.besidePartner("attention", 112, 512).gemmFactor, 1.25);
  // A profile from before gemmTokens reads its points as measured at 2048 rows, whatever the rows asked.
  const older = new CostModel(ProfileSchema.parse({ ...profile, interference: { ...profile.interference, gemmWithAttention: [gemmWithAttention[3]!].map(({ gemmTokens: _, ...p }) => p) } }));
  close(older.besidePartner("attention", 96, 256).gemmFactor, 1.3);
  close(older.besidePartner("attention", 96, 256).elementwiseFactor, 1.6);
});

test("attention beside an element-wise kernel is read at attention's SMs from the points that have it, linear and held past the ends; undefined where none has", async () => {
  const profile = analyticProfile(await resolveGpu("h200"), request);
  const gemmWithAttention = [
    { partnerSms: 12, gemmTokens: 2048, gemmFactor: 1.1, partnerFactor: 1.2, elementwiseFactor: 1.2, partnerElementwiseFactor: 2.2 },
    { partnerSms: 20, gemmTokens: 1024, gemmFactor: 1.2, partnerFactor: 1.4 },
    { partnerSms: 20, gemmTokens: 2048, gemmFactor: 1.2, partnerFactor: 1.4, elementwiseFactor: 1.4, partnerElementwiseFactor: 2.4 },
  ];
  const cost = new CostModel(ProfileSchema.parse({ ...profile, interference: { ...profile.interference, gemmWithAttention } }));
  const close = (actual: number | undefined, expected: number): void => assert.ok(actual !== undefined && Math.abs(actual - expected) < 1e-9, `${actual} != ${expected}`);
  close(cost.partnerBesideElementwise("attention", 16), 2.3);
  close(cost.partnerBesideElementwise("attention", 8), 2.2);
  close(cost.partnerBesideElementwise("attention", 36), 2.4);
  const older = gemmWithAttention.map(({ partnerElementwiseFactor: _, ...point }) => point);
  assert.equal(new CostModel(ProfileSchema.parse({ ...profile, interference: { ...profile.interference, gemmWithAttention: older } })).partnerBesideElementwise("attention", 16), undefined);
});

test("lane switches are read from the profile by the split's partition count, the nearest measured one noted; without them, none and a note", async () => {
  const profile = analyticProfile(await resolveGpu("h200"), request);
  const laneSwitch = { crossLaneUs: 0.9, wholeGpu: [{ lanes: 2, switchUs: 2.2 }, { lanes: 3, switchUs: 2.6 }] };
  const measured = new CostModel(ProfileSchema.parse({ ...profile, laneSwitch }));
  assert.deepEqual(measured.laneSwitchCosts(2), { crossLaneUs: 0.9, wholeGpuUs: 2.2 });
  assert.deepEqual(measured.laneSwitchCosts(3), { crossLaneUs: 0.9, wholeGpuUs: 2.6 });
  assert.equal(measured.notes.size, 0);
  assert.deepEqual(measured.laneSwitchCosts(4), { crossLaneUs: 0.9, wholeGpuUs: 2.6 });
  assert.ok([...measured.notes].some((n) => n === "lane switches of a split into 4 partitions not measured: those of 3 used"));
  const without = new CostModel(profile);
  assert.equal(without.laneSwitchCosts(2), undefined);
  assert.ok([...without.notes].some((n) => n.includes("no lane-switch measurements") && n.includes("nanoweave profile --only lane-switch --merge")));
});

test("sustained-load factors slow work alone on the whole GPU, not on a partition (its co-run factors carry them); a measured profile without them is noted", async () => {
  const analytic = analyticProfile(await resolveGpu("h200"), request);
  const profile = ProfileSchema.parse({ ...analytic, source: "measured" });
  const sustainedLoad = { gemmFactor: 1.2, pipelinedGemmFactor: 1.5, attentionFactor: 1.05, elementwiseFactor: 1.1 };
  const cool = new CostModel(profile);
  const hot = new CostModel(ProfileSchema.parse({ ...profile, sustainedLoad }));
  const sms = profile.provenance.sms;
  const attention = { requests: 2048, context: 1024, kvHeads: 1, groupSize: 8, headDim: 128 };
  const close = (actual: number, expected: number): void => assert.ok(Math.abs(actual - expected) < 1e-9 * expected, `${actual} against ${expected}`);
  close(hot.gemmUs(7168, 8192, 2048, sms), 1.2 * cool.gemmUs(7168, 8192, 2048, sms));
  close(hot.decodeAttentionUs(attention, sms), 1.05 * cool.decodeAttentionUs(attention, sms));
  close(hot.elementwiseUs("rmsnorm", 2048, 32768, sms), 1.1 * cool.elementwiseUs("rmsnorm", 2048, 32768, sms));
  close(hot.prefillAttentionUs({ tokens: 512, context: 512, qHeads: 8, headDim: 128 }, sms), 1.2 * cool.prefillAttentionUs({ tokens: 512, context: 512, qHeads: 8, headDim: 128 }, sms));
  for (const partition of [16, sms - 8]) {
    assert.equal(hot.gemmUs(7168, 8192, 2048, partition), cool.gemmUs(7168, 8192, 2048, partition));
    assert.equal(hot.decodeAttentionUs(attention, partition), cool.decodeAttentionUs(attention, partition));
    assert.equal(hot.elementwiseUs("rmsnorm", 2048, 32768, partition), cool.elementwiseUs("rmsnorm", 2048, 32768, partition));
  }
  assert.ok(![...hot.notes].some((n) => n.includes("sustained-load")), [...hot.notes].join("; "));
  assert.ok([...cool.notes].some((n) => n.includes("no sustained-load measurements") && n.includes("nanoweave profile --only sustained-load --merge")));
  assert.ok(![...new CostModel(analytic).notes].some((n) => n.includes("sustained-load")), "an analytic profile has no clocks to correct");
  // A plan's whole-GPU GEMMs run hotter than the sequential loop by the two factors' ratio.
  close(hot.pipelinedWholeGpuGemmRatio(), 1.5 / 1.2);
  const { pipelinedGemmFactor: _, ...older } = sustainedLoad;
  const before = new CostModel(ProfileSchema.parse({ ...profile, sustainedLoad: older }));
  assert.equal(before.pipelinedWholeGpuGemmRatio(), 1);
  assert.ok([...before.notes].some((n) => n.includes("predates its pipelined GEMM factor") && n.includes("--only sustained-load --merge")));
  assert.equal(cool.pipelinedWholeGpuGemmRatio(), 1);
});

test("a sequential layer's GEMMs run faster the larger its all-reduces' share: linear between measured shares from the one-GPU loop's factor at none, held past the last", async () => {
  const profile = ProfileSchema.parse({ ...analyticProfile(await resolveGpu("h200"), request), source: "measured" });
  const sustainedLoad = { gemmFactor: 1.2, pipelinedGemmFactor: 1.3, attentionFactor: 1, elementwiseFactor: 1 };
  const measured = new CostModel(ProfileSchema.parse({ ...profile, sustainedLoad: { ...sustainedLoad, sequentialGemmFactors: [{ networkShare: 0.3, gemmFactor: 0.9 }, { networkShare: 0.1, gemmFactor: 1.0 }] } }));
  const close = (actual: number, expected: number): void => assert.ok(Math.abs(actual - expected) < 1e-9, `${actual} against ${expected}`);
  close(measured.sequentialWholeGpuGemmRatio(0), 1);
  close(measured.sequentialWholeGpuGemmRatio(0.05), 1.1 / 1.2);
  close(measured.sequentialWholeGpuGemmRatio(0.2), 0.95 / 1.2);
  close(measured.sequentialWholeGpuGemmRatio(0.6), 0.9 / 1.2);
  assert.equal(measured.notes.size, 0, [...measured.notes].join("; "));
  const older = new CostModel(ProfileSchema.parse({ ...profile, sustainedLoad }));
  assert.equal(older.sequentialWholeGpuGemmRatio(0), 1);
  assert.equal(older.notes.size, 0, "a layer without all-reduces needs no sequential factor");
  assert.equal(older.sequentialWholeGpuGemmRatio(0.2), 1);
  assert.ok([...older.notes].some((n) => n.includes("predates its sequential GEMM factors") && n.includes("--only sustained-load --merge")));
  assert.equal(new CostModel(analyticProfile(await resolveGpu("h200"), request)).sequentialWholeGpuGemmRatio(0.2), 1);
});
