/**
 * The power figures `nanoweave run` prints, from NVML readings made up here: energy, power and the
 * share of time at the power limit come out of the counters' differences, and the report prints
 * them, or why there are none.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import type { NativeGpuPower } from "../../runtime/binding/AddonTypes.js";
import type { BenchmarkReport, ModeTiming } from "../../runtime/benchmark.js";
import { formatBenchmark } from "../../runtime/formatBenchmark.js";
import { powerWindowOf, type PowerWindow } from "../../runtime/powerWindow.js";

function reading(energyJ: number, seconds: number, cappedSeconds: number, limitW = 700): NativeGpuPower {
  return {
    energyMillijoules: energyJ * 1000,
    powerLimitMilliwatts: limitW * 1000,
    powerDrawMilliwatts: 650_000,
    smClockMhz: 1500,
    powerCappedNs: cappedSeconds * 1e9,
    thermalCappedNs: 0,
    readAtUs: seconds * 1e6,
  };
}

test("two GPUs over 3 s: power per GPU, energy per iteration of both, tokens per joule and time at the limit, all GPUs and each apart", () => {
  // GPU 2 (rank 0) used 2100 J in 3 s, capped the whole time; GPU 5 (rank 1) used 1500 J, capped 1.5 s of 3.
  const before = [reading(1000, 10, 100), reading(5000, 10, 0, 650)];
  const after = [reading(3100, 13, 103), reading(6500, 13, 1.5, 650)];
  const window = powerWindowOf({ devices: [2, 5], before, after, clocks: [[1400, 1450, 1500], [1600, 1700, 1650]] }, 200, 3_000_000, 2048);
  assert.equal(window.iterations, 200);
  assert.equal(window.iterationUs, 15_000);
  assert.equal(window.averageWattsPerGpu, (700 + 500) / 2);
  assert.equal(window.powerLimitWatts, 650);
  assert.equal(window.joulesPerIteration, 3600 / 200);
  assert.equal(window.tokensPerJoule, 2048 / 18);
  assert.equal(window.powerCappedShare, (1 + 0.5) / 2);
  assert.equal(window.thermalCappedShare, 0);
  assert.equal(window.smClockMhz, (1500 + 1600) / 2);
  assert.deepEqual(window.perGpu, [
    { device: 2, averageWatts: 700, smClockMhz: 1450, powerCappedShare: 1 },
    { device: 5, averageWatts: 500, smClockMhz: 1650, powerCappedShare: 0.5 },
  ]);
});

const power = (iterationUs: number, joules: number): PowerWindow => ({
  iterations: 200,
  iterationUs,
  averageWattsPerGpu: 699.6,
  powerLimitWatts: 700,
  joulesPerIteration: joules,
  tokensPerJoule: 2048 / joules,
  powerCappedShare: 0.996,
  thermalCappedShare: 0,
  smClockMhz: 1515,
  perGpu: [{ device: 0, averageWatts: 699.6, smClockMhz: 1515, powerCappedShare: 0.996 }],
});

function report(modes: Partial<ModeTiming>[], powerUnavailable?: string): BenchmarkReport {
  return {
    gpu: "NVIDIA H100 80GB HBM3",
    gpus: 1,
    allReduce: undefined,
    plan: { model: "Llama-2-70B", tokens: 2048, layers: 16, nanoBatches: 2, tensorParallel: 8, allReduceMethod: "nccl", predictedLayerUs: 845, predictedIterationUs: 14148, predictedSequentialLayerUs: 1012, predictedTokensPerSecondPerGpu: 18094 },
    edgesUs: 326,
    modes: modes.map((m) => ({
      mode: "planned",
      isolation: [],
      graphFallback: undefined,
      iteration: { medianUs: 15000, p10Us: 14900, p90Us: 15100, samples: 50 },
      layerUs: 917,
      shorterLayers: 4,
      fillUs: 2,
      tokensPerSecondPerGpu: 136533,
      operations: [],
      coRun: undefined,
      coRunUnavailable: undefined,
      power: undefined,
      ...m,
    })),
    speedupOverSequential: 1.1,
    iterationSpeedupOverSequential: undefined,
    predictionError: -0.08,
    powerUnavailable,
  };
}

test("the run report prints each mode's power and the planned mode's speed and energy against sequential", () => {
  const text = formatBenchmark(report([{ mode: "planned", power: power(15608.6, 10.96) }, { mode: "sequential", power: power(17385.3, 12.136) }]));
  assert.match(text, /^power: each mode's iterations back to back for 3 s, read through NVML \(power limit 700 W\)$/m);
  assert.match(text, /^planned +15608\.6 us +700 +10\.960 +187 +100% +0% +1515 MHz$/m);
  assert.match(text, /^sequential +17385\.3 us +700 +12\.136 +169 /m);
  assert.match(text, /^planned vs sequential back to back: 1\.114x the speed, 0\.903x the energy per iteration$/m);
  assert.doesNotMatch(text, /each GPU/, "one GPU's figures are the table's");
});

test("a tensor-parallel run report prints each GPU's power and clock in rank order, so a GPU holding a lower clock shows", () => {
  const gpus = (clocks: number[]) => clocks.map((smClockMhz, rank) => ({ device: [2, 1, 0, 3][rank]!, averageWatts: 690 + rank, smClockMhz, powerCappedShare: 1 }));
  const base = report([
    { mode: "planned", power: { ...power(16420.8, 45.4), perGpu: gpus([1480, 1550, 1560, 1545]) } },
    { mode: "sequential", power: { ...power(17810.5, 49.3), perGpu: gpus([1750, 1760, 1755, 1752]) } },
  ]);
  const text = formatBenchmark({ ...base, gpus: 4, allReduce: "peer", plan: { ...base.plan, tensorParallel: 4, allReduceMethod: "peer" } });
  assert.match(text, /^each GPU in rank order \(device: power, SM clock, at power limit\)$/m);
  assert.match(text, /^planned +GPU 2: 690 W 1480 MHz 100%, GPU 1: 691 W 1550 MHz 100%, GPU 0: 692 W 1560 MHz 100%, GPU 3: 693 W 1545 MHz 100%$/m);
  assert.match(text, /^sequential +GPU 2: 690 W 1750 MHz 100%, /m);
});

test("the run report's layer is the steady state's, from whole and shorter iterations; the pipeline's fill and drain and the whole iterations' ratio are said beside it", () => {
  const text = formatBenchmark({ ...report([{ mode: "planned", fillUs: 148.2 }, { mode: "sequential", fillUs: -2.5 }]), iterationSpeedupOverSequential: 1.1 });
  assert.match(text, /^layer: what an iteration gains a layer in steady state, as the plan's layer \(iterations of 16 and 4 layers timed in turn\); beyond its layers an iteration fills and drains its pipeline once: planned 148\.2 us, sequential -2\.5 us$/m);
  assert.match(text, /^planned vs sequential: 1\.100x \(layer time\), 1\.100x the 16-layer iteration$/m);
  const oneLayer = formatBenchmark(report([{ mode: "planned", shorterLayers: undefined }]));
  assert.match(oneLayer, /^layer: the iteration less prologue and epilogue \(a model of one layer\)$/m);
  assert.match(oneLayer, /^planned vs sequential: 1\.100x \(layer time\)$/m);
});

test("without NVML the run report says why it has no power figures", () => {
  const text = formatBenchmark(report([{ mode: "planned" }], "NVML not found"));
  assert.match(text, /^power: not measured \(NVML not found\)$/m);
  assert.doesNotMatch(text, /tokens\/J/);
});

test("a tensor-parallel run report names how its GPUs summed, the plan's method where the run used another, and the ranks the hold stand-in ran alone", () => {
  const base = report([{ mode: "planned" }]);
  const tp = { ...base, gpu: "NVIDIA H200", gpus: 4, allReduce: "peer" as const, plan: { ...base.plan, tensorParallel: 4, allReduceMethod: "peer" as const } };
  assert.match(formatBenchmark(tp), /on 4 x NVIDIA H200 \(tensor parallel, all-reduce: peer\)$/m);
  assert.match(formatBenchmark({ ...tp, allReduce: "nccl" }), /\(tensor parallel, all-reduce: nccl; the plan was made for peer\)$/m);
  assert.match(formatBenchmark({ ...tp, allReduce: "hold" }), /on 4 x NVIDIA H200 \(tensor parallel, all-reduce: hold \(each sum held for its planned time, nothing summed\); the plan was made for peer\)$/m);
  assert.match(formatBenchmark({ ...tp, gpus: 1, allReduce: "hold" }), /on 1 x NVIDIA H200 \(tensor parallel, its first 1 of 4 ranks alone, all-reduce: hold \(each sum held for its planned time, nothing summed\); the plan was made for peer\)$/m);
  assert.doesNotMatch(formatBenchmark(base), /tensor parallel/);
});
