/**
 * The runtime on a GPU, on the tiny Llama read from safetensors: planned, streams and sequential
 * give the same next tokens and logits within bf16 tolerance over many steps, the logits match the
 * CPU float32 reference, bad requests are refused before any launch, and everything is freed.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { rm } from "node:fs/promises";
import { isNativeError } from "../../runtime/gpu/nativeErrors.js";
import { RequestError, type DecodeRequest } from "../../runtime/requests.js";
import type { BenchmarkReport } from "../../runtime/benchmark.js";
import { memoryGroupOrder } from "../../runtime/kernels/memoryGroups.js";
import { Runtime } from "../../runtime/Runtime.js";
import { CpuLlama } from "../support/cpuLlama.js";
import { firstGpu, gpuSkip, relativeError } from "../support/gpuTesting.js";
import { CLI_ENTRY } from "../support/repository.js";
import { TINY_SHAPE, tinyPlanPath, tinyTp2PlanPath, writeTinyLlama } from "../support/tinyLlama.js";

const STEPS = 12;
const REQUESTS = 200; // of the plan's 256 rows: the rest is padding
const CHECKED = 6; // requests also decoded by the CPU reference

const gpuKind = () => (/H200/i.test(firstGpu().info.name) ? "h200" : "h100");

function planForThisGpu(): string {
  return tinyPlanPath(gpuKind());
}

test("planned, streams and sequential agree over many steps and match the CPU reference", { skip: gpuSkip, timeout: 600_000 }, async () => {
  const folder = await writeTinyLlama(11);
  const runtimes: Runtime[] = [];
  try {
    for (const mode of ["planned", "streams", "sequential"] as const) {
      runtimes.push(await Runtime.create({ plan: planForThisGpu(), weights: { kind: "safetensors", folder }, modes: [mode], maxContext: 64 }));
    }
    const reference = await CpuLlama.load(folder, TINY_SHAPE);
    const pagesEach = 64 / 16;
    let requests: DecodeRequest[] = Array.from({ length: REQUESTS }, (_, r) => ({
      token: (r * 37 + 5) % TINY_SHAPE.vocab,
      position: 0,
      // Pages interleaved across requests, so page tables matter.
      pages: Array.from({ length: pagesEach }, (_, k) => k * REQUESTS + r),
    }));
    let worstReference = 0;
    let worstModes = 0;
    for (let step = 0; step < STEPS; step++) {
      const results = runtimes.map((runtime) => runtime.step(requests, { logits: true }));
      const [planned, streams, sequential] = results;
      const mismatches = (a: Int32Array, b: Int32Array) => a.reduce((n, token, i) => n + (token !== b[i] ? 1 : 0), 0);
      assert.ok(mismatches(planned!.nextTokens, sequential!.nextTokens) <= 2, `step ${step}: ${mismatches(planned!.nextTokens, sequential!.nextTokens)} tokens differ`);
      assert.ok(mismatches(streams!.nextTokens, sequential!.nextTokens) <= 2);
      for (const other of [planned!, streams!]) worstModes = Math.max(worstModes, relativeError(other.logits!, sequential!.logits!));
      for (let r = 0; r < CHECKED; r++) {
        const expected = reference.decode(r, requests[r]!.token, requests[r]!.position);
        const actual = sequential!.logits!.subarray(r * TINY_SHAPE.vocab, (r + 1) * TINY_SHAPE.vocab);
        worstReference = Math.max(worstReference, relativeError(actual, expected), relativeError(planned!.logits!.subarray(r * TINY_SHAPE.vocab, (r + 1) * TINY_SHAPE.vocab), expected));
      }
      // Every mode continues from sequential's tokens, so all keep the same history.
      requests = requests.map((request, r) => ({ ...request, token: sequential!.nextTokens[r]!, position: request.position + 1 }));
    }
    console.log(`# ${STEPS} steps of ${REQUESTS} requests: logits vs sequential worst relative error ${worstModes.toExponential(2)}, vs the CPU reference ${worstReference.toExponential(2)}`);
    assert.ok(worstModes < 2e-2, `modes differ by ${worstModes}`);
    assert.ok(worstReference < 3e-2, `CPU reference differs by ${worstReference}`);
  } finally {
    for (const runtime of runtimes) runtime.dispose();
    await rm(folder, { recursive: true, force: true });
  }
});

test("bad requests are refused before any launch; dispose frees the GPU memory and is idempotent", { skip: gpuSkip, timeout: 300_000 }, async () => {
  const gpu = firstGpu();
  // Ranked once per process, and the driver keeps about 4 MiB for each green context the ranking
  // makes (runtime/kernels/memoryGroups.ts): rank first, so that what is left after dispose is the runtime's.
  await memoryGroupOrder(gpu, gpu.greenContextSupport().groupCount ?? 0);
  const before = gpu.memoryInfo().freeBytes;
  const runtime = await Runtime.create({ plan: planForThisGpu(), modes: ["planned", "sequential"], maxContext: 64 });
  const good = { token: 1, position: 3, pages: [0] };
  runtime.step([good]);
  assert.throws(() => runtime.step([{ ...good, position: 64, pages: [0, 1, 2, 3] }]), RequestError);
  assert.throws(() => runtime.step([{ ...good, pages: [runtime.state.cache.layout.usablePages] }]), /not a page of the KV cache/);
  assert.throws(() => runtime.step(Array.from({ length: 257 }, () => good)), /257 requests is more than the 256 rows/);
  assert.deepEqual([...runtime.step([good], { mode: "sequential" }).nextTokens].length, 1);
  runtime.dispose();
  runtime.dispose();
  assert.throws(() => runtime.step([good]), /disposed/);
  const after = gpu.memoryInfo().freeBytes;
  console.log(`# free memory before ${(before / 2 ** 20).toFixed(0)} MiB, after dispose ${(after / 2 ** 20).toFixed(0)} MiB`);
  assert.ok(after >= before - 64 * 2 ** 20, `${((before - after) / 2 ** 20).toFixed(0)} MiB not freed`);
});

test("a CUDA failure while creating becomes a JS error naming the call, and nothing leaks", { skip: gpuSkip, timeout: 300_000 }, async () => {
  const gpu = firstGpu();
  const before = gpu.memoryInfo().freeBytes;
  // A KV cache larger than the GPU: the allocation fails part way through the layers.
  const pages = Math.floor(gpu.info.totalMemoryBytes / (2 * 16 * 128 * 2) * 0.6);
  await assert.rejects(Runtime.create({ plan: planForThisGpu(), kvPages: pages, maxContext: 64 }), (error: unknown) => {
    assert.ok(isNativeError(error), String(error));
    assert.equal(error.codeName, "CUDA_ERROR_OUT_OF_MEMORY");
    return true;
  });
  const after = gpu.memoryInfo().freeBytes;
  assert.ok(after >= before - 64 * 2 ** 20, `${((before - after) / 2 ** 20).toFixed(0)} MiB not freed`);
});

/** Our kernels' names by op kind; a GEMM's kernels are cuBLAS's, none of these. */
const OUR_KERNELS: Record<string, RegExp> = {
  rmsnorm: /^rmsnorm$/,
  rope_kv_append: /^rope_kv_append$/,
  decode_attention: /^decode_attention/,
  silu_mul: /^silu_and_mul$/,
};
const ANY_OF_OURS = /^(embedding|rmsnorm|rope_kv_append|decode_attention|silu_and_mul|argmax|peer_sum)/;

test("the co-run trace reads every op of the traced layer from CUPTI's records of the iteration graph, each op with its own kernels", { skip: gpuSkip, timeout: 300_000 }, async () => {
  const runtime = await Runtime.create({ plan: planForThisGpu(), modes: ["planned"], maxContext: 64 });
  try {
    runtime.step([{ token: 1, position: 3, pages: [0] }]);
    const execution = runtime.execution("planned");
    const layer = Math.floor(runtime.shape.layers / 2);
    const ops = execution.operations.operations;
    const trace = execution.traceLayer(layer, 5);
    const traced = trace.operations;
    assert.deepEqual(traced.map((op) => op.id).sort(), ops.map((op) => op.id).sort(), "each op of the layer once");
    for (const op of traced) {
      const planned = ops.find((candidate) => candidate.id === op.id)!;
      assert.equal(op.lane, execution.operations.laneOf(planned));
      assert.equal(op.rankStartUs.length, 1, `${op.id}: one rank's start`);
      assert.ok(op.rankStartUs[0]! > 0 && op.rankUs[0]! > 0, `${op.id}: starts ${op.rankStartUs[0]} us, lasts ${op.rankUs[0]} us`);
      assert.ok(op.kernels.length > 0, `${op.id}: its kernels`);
      const ours = OUR_KERNELS[planned.kind];
      if (ours) assert.ok(op.kernels.every((name) => ours.test(name)), `${op.id} (${planned.kind}) ran ${op.kernels.join(", ")}`);
      else assert.ok(op.kernels.every((name) => !ANY_OF_OURS.test(name)), `${op.id} (${planned.kind}, cuBLAS) ran ${op.kernels.join(", ")}`);
    }
    const span = Math.max(...traced.map((op) => op.rankStartUs[0]! + op.rankUs[0]!)) - Math.min(...traced.map((op) => op.rankStartUs[0]!));
    console.log(`# layer ${layer} traced: ${traced.length} ops over ${span.toFixed(1)} us; ${traced.map((op) => `${op.id} ${op.kernels.join("+")}`).join("; ")}`);
    assert.throws(() => execution.traceLayer(runtime.shape.layers, 3), /Expected a layer from 0 to/);
    // Iterations of fewer layers, for timing a layer in steady state: 1 to all of them.
    for (const layers of [0, runtime.shape.layers + 1, 1.5]) assert.throws(() => execution.launch(true, layers), { name: "RangeError", message: `Expected an iteration of 1 to ${runtime.shape.layers} layers but received ${layers}` });
    execution.launch(true, 1);
    runtime.synchronize();
    assert.throws(() => execution.traceLayer(layer, 0), /positive whole number of traced iterations/);
  } finally {
    runtime.dispose();
  }
});

test("nanoweave run reads each mode's power through NVML around iterations run back to back, and traces the planned layer through CUPTI", { skip: gpuSkip, timeout: 300_000 }, () => {
  const run = (json: boolean) =>
    spawnSync(process.execPath, [CLI_ENTRY, "run", "--plan", planForThisGpu(), "--iterations", "5", "--modes", "planned,sequential", ...(json ? ["--json"] : [])], { encoding: "utf8", timeout: 240_000 });
  const json = run(true);
  assert.equal(json.status, 0, json.stderr);
  const report = JSON.parse(json.stdout) as BenchmarkReport;
  assert.equal(report.powerUnavailable, undefined);
  const planned = report.modes.find((m) => m.mode === "planned")!;
  for (const m of report.modes) {
    // A layer from whole iterations against a quarter of them; the iteration holds its layers, prologue, epilogue and fill.
    assert.equal(m.shorterLayers, Math.ceil(report.plan.layers / 4), m.mode);
    assert.ok(m.layerUs > 0 && m.layerUs * report.plan.layers < m.iteration.medianUs, `${m.mode}: ${m.layerUs} us a layer, iteration ${m.iteration.medianUs}`);
    assert.ok(Math.abs(m.iteration.medianUs - report.edgesUs - report.plan.layers * m.layerUs - m.fillUs) < 1e-6, `${m.mode}: fill ${m.fillUs} us`);
  }
  assert.equal(planned.coRunUnavailable, undefined);
  assert.ok(planned.coRun && planned.coRun.operations.every((op) => op.measuredUs > 0 && op.kernels.length > 0), "the planned mode's co-run trace, from CUPTI");
  // Replayed with nothing between ops, a layer takes at least its busiest lane's time.
  const busiest = Math.max(...planned.coRun.lanes.map((lane) => lane.measuredBusyUs));
  assert.ok(planned.coRun.replayedLayerUs >= busiest - 1e-6, `replayed ${planned.coRun.replayedLayerUs} us, busiest lane ${busiest} us`);
  const limit = firstGpu().readPower().powerLimitMilliwatts / 1000;
  for (const { mode, power, iteration } of report.modes) {
    assert.ok(power, `${mode}: power measured`);
    assert.equal(power.powerLimitWatts, limit);
    // Seconds of work: the counter moved, and by no more than the limit allows.
    assert.ok(power.iterations * power.iterationUs > 2e6, `${mode}: window of ${power.iterations} x ${power.iterationUs} us`);
    assert.ok(power.averageWattsPerGpu > 30 && power.averageWattsPerGpu < 1.1 * limit, `${mode}: ${power.averageWattsPerGpu} W`);
    assert.ok(Math.abs(power.joulesPerIteration - (power.averageWattsPerGpu * power.iterationUs) / 1e6) < 0.1 * power.joulesPerIteration, `${mode}: energy = power x time`);
    assert.ok(power.powerCappedShare >= 0 && power.powerCappedShare <= 1.02, `${mode}: capped ${power.powerCappedShare}`);
    assert.ok(power.smClockMhz > 200 && power.smClockMhz < 3000, `${mode}: ${power.smClockMhz} MHz`);
    assert.deepEqual(power.perGpu.map((gpu) => gpu.device), [firstGpu().ordinal], `${mode}: the one GPU's own figures`);
    assert.equal(power.perGpu[0]!.smClockMhz, power.smClockMhz);
    // Back to back is no slower than the waited-for iterations' median, give or take noise.
    assert.ok(power.iterationUs < 1.5 * iteration.medianUs, `${mode}: ${power.iterationUs} us back to back, median ${iteration.medianUs} us`);
  }
  const text = run(false);
  assert.equal(text.status, 0, text.stderr);
  assert.match(text.stdout, /^power: each mode's iterations back to back for 3 s, read through NVML \(power limit \d+ W\)$/m);
  assert.match(text.stdout, /^planned {5}\d+\.\d us +\d+ +\d+\.\d{3} +\d+ +\d+% +\d+% +\d+ MHz$/m);
  assert.match(text.stdout, /^planned: layer \d+ with its ops running together \(its kernels in replays of the iteration's CUDA graph as CUPTI recorded them, nothing added;/m);
  assert.match(text.stdout, /^ {2}the plan's order replayed with nothing between ops: \d+\.\d us a layer with its op times, \d+\.\d with these \(the ops' own times: [+-]\d+\.\d us\); measured \d+\.\d \(time between ops: [+-]\d+\.\d us; the plan counts -?\d+\.\d\)$/m);
  assert.match(text.stdout, /^layer: what an iteration gains a layer in steady state, as the plan's layer \(iterations of \d+ and \d+ layers timed in turn\); beyond its layers an iteration fills and drains its pipeline once: planned -?\d+\.\d us, sequential -?\d+\.\d us$/m);
  assert.match(text.stdout, /^planned vs sequential back to back: \d\.\d{3}x the speed, \d\.\d{3}x the energy per iteration$/m);
  const lines = text.stdout.split("\n");
  const first = lines.findIndex((line) => line.startsWith("power:"));
  console.log(lines.slice(first, lines.findIndex((line, i) => i > first && line === "")).join("\n"));
});

test("the hold stand-in times a tensor-parallel plan's first rank alone on one GPU, its held sums in the trace; step() is refused", { skip: gpuSkip, timeout: 300_000 }, async () => {
  const plan = tinyTp2PlanPath(gpuKind());
  const run = spawnSync(process.execPath, [CLI_ENTRY, "run", "--plan", plan, "--all-reduce", "hold", "--devices", "0", "--iterations", "5", "--modes", "planned,sequential", "--json"], { encoding: "utf8", timeout: 240_000 });
  assert.equal(run.status, 0, run.stderr);
  const report = JSON.parse(run.stdout) as BenchmarkReport;
  assert.deepEqual([report.gpus, report.allReduce, report.plan.tensorParallel], [1, "hold", 2]);
  const planned = report.modes.find((m) => m.mode === "planned")!;
  for (const m of report.modes) assert.ok(m.layerUs > 0 && m.iteration.medianUs > 0, `${m.mode}: ${m.layerUs} us a layer`);
  // Each held sum spins its planned time, give or take a launch: alone, and in the traced layer.
  for (const op of planned.operations.filter((timed) => timed.id.includes("all_reduce"))) {
    assert.ok(op.predictedUs !== undefined && op.measuredUs >= op.predictedUs && op.measuredUs < op.predictedUs + 10, `${op.id} alone: held ${op.measuredUs} us for ${op.predictedUs}`);
  }
  const held = planned.coRun!.operations.filter((op) => op.id.includes("all_reduce"));
  assert.ok(held.length > 0 && held.every((op) => op.kernels.every((name) => name === "hold") && op.measuredUs >= op.predictedUs), `held sums in the trace: ${held.map((op) => `${op.id} ${op.kernels.join("+")} ${op.measuredUs}`).join("; ")}`);
  console.log(`# TP2 plan, rank 0 alone with held sums: planned ${planned.layerUs.toFixed(1)} us a layer, predicted ${report.plan.predictedLayerUs.toFixed(1)}`);

  const runtime = await Runtime.create({ plan, allReduce: "hold", devices: [0], maxContext: 64 });
  try {
    assert.throws(() => runtime.step([{ token: 1, position: 3, pages: [0] }]), /step\(\) needs the ranks' sums, and allReduce "hold" computes none .* create the runtime with allReduce nccl or peer/);
    assert.equal(runtime.queueIteration([{ token: 1, position: 3, pages: [0] }]), 1);
    runtime.synchronize();
  } finally {
    runtime.dispose();
  }
});
