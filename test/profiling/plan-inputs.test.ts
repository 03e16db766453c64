/** What a profile is measured at: SM shares, targets from the shipped models, attention scaling, device matching. */
import { test } from "node:test";
import assert from "node:assert/strict";
import { listGpus, resolveGpu } from "../../planner/config/index.js";
import { InputError } from "../../planner/errors.js";
import { fillAttentionGrid, kvBytes, pointsToMeasure } from "../../planner/profiling/attention-grid.js";
import { chooseDevices, parseDeviceList } from "../../planner/profiling/devices.js";
import { gpuConfigFor } from "../../planner/profiling/gpu-config.js";
import { profileGrid } from "../../planner/profiling/grid.js";
import { parseOnly, sectionsToMeasure } from "../../planner/profiling/sections.js";
import { profileTargets } from "../../planner/profiling/targets.js";

const HOPPER = { sms: 132, partition: { min: 8, granularity: 8, max: 120 } };

test("GEMMs are measured on every split size and on the whole GPU, never on a remainder (plans give compute split groups)", () => {
  const grid = profileGrid(HOPPER, false);
  const multiplesOf8 = Array.from({ length: 15 }, (_, i) => 8 * (i + 1)); // 128 is more than one split grants
  assert.deepEqual(grid.gemmSms, [...multiplesOf8, 132]);
  assert.deepEqual(grid.elementwiseSms, grid.gemmSms);
  // Attention on every split size and on each remainder plans give it (12 .. 60), measured as such.
  assert.deepEqual(grid.attentionSms, [...new Set([...multiplesOf8, 12, 20, 28, 36, 44, 52, 60, 132])].sort((a, b) => a - b));
  assert.deepEqual(grid.allReduceCtas, [8, 16, 24, 32]);
  // Attention on the remainder beside each compute group of at least half the GPU (72 .. 120), as plans lay them out.
  assert.deepEqual(grid.attentionPartnerSms, [12, 20, 28, 36, 44, 52, 60]);
  // Beside attention, the GEMM at the nano-batch sizes plans cut, down to where it reads its weights near the memory's limit.
  assert.deepEqual(grid.attentionPartnerGemmTokens, [128, 256, 512, 1024, 2048]);
  const quick = profileGrid(HOPPER, true);
  assert.deepEqual(quick.gemmSms, [16, 72, 132]);
  assert.deepEqual(quick.attentionPartnerSms, [12, 60]);
});

test("targets cover every dense shipped model at each TP degree whose weights fit, deduped", async () => {
  const h100 = await profileTargets(await resolveGpu("h100"));
  const h200 = await profileTargets(await resolveGpu("h200"));
  const keys = (shapes: { n: number; k: number }[]) => shapes.map((s) => `${s.n}x${s.k}`);
  assert.equal(new Set(keys(h100.gemmShapes)).size, h100.gemmShapes.length);
  assert.ok(keys(h100.gemmShapes).includes("7168x8192"), "Llama-2-70B TP8 gate/up");
  assert.ok(!keys(h100.gemmShapes).includes("128256x16384"), "Llama-3.1-405B does not fit an H100 at TP 8");
  assert.ok(keys(h200.gemmShapes).includes("16032x16384"), "Llama-3.1-405B TP8's LM head fits an H200");
  assert.ok(h100.attention.some((a) => a.headDim === 128 && a.groupSize === 8 && a.kvHeads === 1));
  assert.ok(h200.attention.some((a) => a.groupSize === 16), "405B's 16 query heads per KV head");
  assert.ok(h100.skipped.some((why) => why.startsWith("Mixtral-8x7B: mixture of experts")));
});

test("attention points beyond the KV limit are scaled by bytes from the largest measured point", () => {
  const config = { headDim: 128, groupSize: 8, kvHeads: 1 };
  const limit = 64 * 1024 * 512; // 64 requests x 1024 keys
  const points = pointsToMeasure(config, [16, 64, 256], [512, 1024], limit);
  assert.deepEqual(points.map((p) => `${p.requests}x${p.context}`), ["16x512", "16x1024", "64x512", "64x1024"]);
  const measured = points.map((point) => ({ point, timeUs: [kvBytes(config, point) / 1e6, kvBytes(config, point) / 2e6] }));
  const { timeUs, scaled } = fillAttentionGrid(config, [16, 64, 256], [512, 1024], measured);
  assert.equal(scaled, 2);
  assert.deepEqual(timeUs[2]![1], [(256 * 1024 * 512) / 1e6, (256 * 1024 * 512) / 2e6]);
  assert.deepEqual(timeUs[0]![0], measured[0]!.timeUs);
  // Nothing within the limit: the smallest point is measured all the same.
  assert.deepEqual(pointsToMeasure(config, [16, 64], [512], 1), [{ requests: 16, context: 512 }]);
});

test("a point beyond the KV limit is scaled from its requests' longest or its context's widest measured launch, whichever streams faster", () => {
  const config = { headDim: 128, groupSize: 8, kvHeads: 1 };
  // Launches of 256 requests stream at twice the rate of fewer; contexts of 16 keys at a quarter.
  const rate = (point: { requests: number; context: number }) => 1e6 * (point.requests === 256 ? 2 : 1) * (point.context === 16 ? 0.25 : 1);
  const timed = (requests: number[], context: number[], limit: number) =>
    pointsToMeasure(config, requests, context, limit).map((point) => ({ point, timeUs: [kvBytes(config, point) / rate(point), kvBytes(config, point) / 1e6] }));
  // 256 x 4096: from 256 x 1024 (twice 64 x 4096's rate) on the first SM count; both stream alike on the second.
  const longer = fillAttentionGrid(config, [16, 64, 256], [512, 1024, 4096], timed([16, 64, 256], [512, 1024, 4096], 256 * 1024 * 512));
  assert.equal(longer.scaled, 1);
  assert.deepEqual(longer.timeUs[2]![2], [(256 * 4096 * 512) / 2e6, (256 * 4096 * 512) / 1e6]);
  // 256 x 512: 256 x 16 streams at half 64 x 512's rate (its short context), so the context's launch is the reference.
  const wider = fillAttentionGrid(config, [16, 64, 256], [16, 512], timed([16, 64, 256], [16, 512], 64 * 512 * 512));
  assert.equal(wider.scaled, 1);
  assert.deepEqual(wider.timeUs[2]![1], [(256 * 512 * 512) / 1e6, (256 * 512 * 512) / 1e6]);
});

test("a device finds its GPU config by name, SMs and memory; --gpu-config must agree on SMs", async () => {
  const gpus = await listGpus();
  assert.equal((await gpuConfigFor({ name: "NVIDIA H100 80GB HBM3", sms: 132, memoryGiB: 79.19 }, undefined, gpus)).id, "H100-SXM");
  assert.equal((await gpuConfigFor({ name: "NVIDIA H200", sms: 132, memoryGiB: 139.8 }, undefined, gpus)).id, "H200-SXM");
  assert.equal((await gpuConfigFor({ name: "NVIDIA A100-SXM4-80GB", sms: 108, memoryGiB: 79.1 }, undefined, gpus)).id, "A100-SXM-80GB");
  await assert.rejects(gpuConfigFor({ name: "NVIDIA H100 PCIe", sms: 114, memoryGiB: 79.1 }, undefined, gpus), /matches no GPU config/);
  await assert.rejects(gpuConfigFor({ name: "NVIDIA H100 PCIe", sms: 114, memoryGiB: 79.1 }, "h100"), /H100 SXM has 132 SMs but the device, NVIDIA H100 PCIe, has 114/);
});

test("--devices and --only are checked for form, then against the GPUs present", () => {
  assert.deepEqual(parseDeviceList("0, 1,2,3"), [0, 1, 2, 3]);
  assert.equal(parseDeviceList(undefined), undefined);
  for (const bad of ["", "0,,1", "a", "-1", "0,0"]) assert.throws(() => parseDeviceList(bad), InputError, bad);
  const visible = [0, 1].map((ordinal) => ({ ordinal, name: "NVIDIA H200" }));
  assert.throws(() => chooseDevices([0, 4], visible), /there is no GPU 4; this machine has 0 \(NVIDIA H200\), 1 \(NVIDIA H200\)/);
  assert.throws(() => chooseDevices([0, 1], [visible[0]!, { ordinal: 1, name: "NVIDIA H100 80GB HBM3" }]), /a profile is of one GPU model/);
  assert.deepEqual(chooseDevices(undefined, visible).map((d) => d.ordinal), [0, 1]);
  assert.deepEqual(parseOnly("gemm,interference"), ["gemm", "attention-interference", "allreduce-interference", "allreduce-attention-interference"]);
  assert.throws(() => parseOnly("gemm,allreduces"), /unknown section "allreduces"; valid sections are gemm, attention/);
  assert.deepEqual(sectionsToMeasure(undefined, 1), ["gemm", "attention", "elementwise", "attention-interference", "lane-switch", "sustained-load"]);
  assert.equal(sectionsToMeasure(undefined, 4).length, 10);
  assert.ok(sectionsToMeasure(undefined, 2).includes("peer-allreduce"));
});
