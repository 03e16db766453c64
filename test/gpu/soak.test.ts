/**
 * The endurance run on a GPU, short: the tiny Llama's plan stepped 2,000 times after warm-up, memory
 * sampled every 500; GPU used memory must not grow and host RSS stay under the default threshold.
 * The 10,000-iteration check on the Llama-2-70B shard is bench/runtime/soak-on-device.sh.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import { Runtime } from "../../runtime/Runtime.js";
import { soak } from "../../runtime/soak.js";
import { MIB } from "../../runtime/soakVerdict.js";
import { firstGpu, gpuSkip } from "../support/gpuTesting.js";
import { tinyPlanPath } from "../support/tinyLlama.js";

test("2,000 planned iterations of the tiny plan: samples after warm-up, every 500 and no memory growth", { skip: gpuSkip, timeout: 300_000 }, async () => {
  const plan = tinyPlanPath(/H200/i.test(firstGpu().info.name) ? "h200" : "h100");
  const runtime = await Runtime.create({ plan, modes: ["planned"], maxContext: 64 });
  try {
    const seen: number[] = [];
    const report = soak(runtime, { iterations: 2000, sampleEvery: 500, limits: { maxRssGrowthBytes: 64 * MIB, maxGpuGrowthBytes: MIB }, onSample: (sample) => seen.push(sample.iteration) });
    assert.deepEqual(seen, [0, 500, 1000, 1500, 2000]);
    assert.deepEqual(report.samples.map((sample) => sample.iteration), seen);
    assert.ok(report.samples.every((sample) => sample.gpus.length === 1 && sample.gpus[0]!.usedBytes > 0));
    const { growth, failures } = report.verdict;
    console.log(`# soak, ${report.requests} requests a step: ${(report.samples.at(-1)!.elapsedMs / 2000).toFixed(3)} ms/iteration, RSS ${(growth.rssBytes / MIB).toFixed(1)} MiB, GPU ${(growth.gpus[0]!.usedBytes / MIB).toFixed(1)} MiB over 2,000 iterations`);
    assert.deepEqual(failures, []);
  } finally {
    runtime.dispose();
  }
});
