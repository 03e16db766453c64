/**
 * Timing of the execution modes in one process, on the same weights, cache and inputs: random
 * tokens and page tables at the plan's decode context, a KV cache of random values, warm-up, then
 * CUDA-event timing of many graph replays, medians. A layer's time is what an iteration gains a
 * layer: whole iterations and iterations of the first quarter of the layers, timed in turn, differ
 * by whole layers in steady state, as the plan's layer (its period) is. The pipeline's fill and
 * drain, which a plan overlapping layers spends once an iteration, stays out of it and is reported
 * apart (with few layers, as where a model's cache fills the GPU at a tenth of its layers, it would
 * otherwise weigh on every layer). Each op is also timed alone on its lane, beside the plan's
 * prediction for it, and the planned mode's middle layer is traced while its ops run together
 * (CUPTI's kernel records of replays of its graph), to show where a mode's time goes. Then each mode runs a few seconds back to back with NVML readings
 * around it (powerWindow.ts): its power, energy per iteration and time held at the power limit.
 * Across tensor-parallel GPUs every rank runs, timed by events on rank 0, whose all-reduces wait
 * for the other ranks.
 */
import { compareTrace, type CoRunTrace } from "./coRunTrace.js";
import type { AllReduceMethod } from "../planner/model/all-reduce-method.js";
import type { RuntimeAllReduce } from "./engine/collectives.js";
import { isNativeError, type GpuEvent, type Stream } from "./gpu/index.js";
import type { ModeExecution } from "./engine/modeExecution.js";
import type { ExecutionMode } from "./plan/executionModes.js";
import { measurePowerWindow, whyNoPowerReadings, type PowerWindow } from "./powerWindow.js";
import type { DecodeRequest } from "./requests.js";
import type { Runtime } from "./Runtime.js";
import { seededUniform, shuffledOrder } from "./weights/seededRandom.js";

export interface BenchmarkOptions {
  iterations: number;
  warmup: number;
  /** Repetitions of each op when timed alone. */
  opRepetitions: number;
}

export interface Distribution {
  medianUs: number;
  p10Us: number;
  p90Us: number;
  samples: number;
}

export interface OperationTiming {
  id: string;
  lane: string;
  rows: number;
  /** Undefined for a sequential op of a plan made before sequential ops' times were written. */
  predictedUs: number | undefined;
  measuredUs: number;
}

export interface ModeTiming {
  mode: ExecutionMode;
  isolation: string[];
  /** Why iterations ran without a CUDA graph, when they did. */
  graphFallback: string | undefined;
  iteration: Distribution;
  /** What an iteration gains a layer in steady state: the median difference of whole iterations and iterations of `shorterLayers`, over the layers between. */
  layerUs: number;
  /** Layers of the shorter iterations; undefined for a model of one layer, whose layer is its iteration less prologue and epilogue. */
  shorterLayers: number | undefined;
  /** The iteration beyond prologue, epilogue and its layers: a plan's pipeline filling and draining. */
  fillUs: number;
  tokensPerSecondPerGpu: number;
  operations: OperationTiming[];
  /** The planned mode's middle layer as its ops ran together (per op, medians of a few traced iterations). */
  coRun: CoRunTrace | undefined;
  /** Why the planned mode has no co-run trace (no CUPTI, no CUDA graph), when it has none. */
  coRunUnavailable: string | undefined;
  /** Iterations back to back for a few seconds, with power read around them; undefined where NVML cannot be read. */
  power: PowerWindow | undefined;
}

export interface BenchmarkReport {
  gpu: string;
  /** GPUs the iteration spans (tensor parallel). */
  gpus: number;
  /** How those GPUs sum the residual; undefined for a plan without all-reduces. */
  allReduce: RuntimeAllReduce | undefined;
  plan: { model: string; tokens: number; layers: number; nanoBatches: number; tensorParallel: number; allReduceMethod: AllReduceMethod; predictedLayerUs: number; predictedIterationUs: number; predictedSequentialLayerUs: number; predictedTokensPerSecondPerGpu: number };
  edgesUs: number;
  modes: ModeTiming[];
  /** sequential / planned, measured layer time. */
  speedupOverSequential: number | undefined;
  /** sequential / planned, the whole iterations' medians: the layers' speedup diluted by the pipeline's fill and drain, and by prologue and epilogue. */
  iterationSpeedupOverSequential: number | undefined;
  /** (predicted - measured) / measured, planned layer time. */
  predictionError: number | undefined;
  /** Why no mode has power figures (NVML missing or refusing), when none has. */
  powerUnavailable: string | undefined;
}

const DEFAULTS: BenchmarkOptions = { iterations: 100, warmup: 10, opRepetitions: 20 };

export async function benchmarkModes(runtime: Runtime, options: Partial<BenchmarkOptions> = {}): Promise<BenchmarkReport> {
  const settings = { ...DEFAULTS, ...options };
  const plan = runtime.plan;
  const requests = randomRequests(runtime);
  fillCacheWithRandomValues(runtime);
  const [start, end] = [runtime.gpu.createEvent(), runtime.gpu.createEvent()];
  const powerUnavailable = whyNoPowerReadings(runtime.gpus);
  try {
    const modes: ModeTiming[] = [];
    let edgesUs = 0;
    for (const mode of runtime.modes) {
      runtime.queueIteration(requests, mode); // captures the graph
      const execution = runtime.execution(mode);
      if (edgesUs === 0) edgesUs = timeRepeatedly(runtime, start, end, execution.origin, settings, () => execution.issueEdges()).medianUs;
      const { iteration, layerUs, shorterLayers } = timeLayers(runtime, start, end, execution, settings, edgesUs);
      modes.push({
        mode,
        isolation: [...execution.lanes.lanes.values()].map((lane) => `${lane.name}: ${lane.isolation}`),
        graphFallback: execution.graphFallback,
        iteration,
        layerUs,
        shorterLayers,
        fillUs: iteration.medianUs - edgesUs - runtime.shape.layers * layerUs,
        tokensPerSecondPerGpu: plan.batch.tokens / (iteration.medianUs * 1e-6) / plan.tensorParallel,
        operations: timeOperations(runtime, execution, start, end, settings),
        ...(mode === "planned" ? traceMiddleLayer(runtime, execution) : { coRun: undefined, coRunUnavailable: undefined }),
        power: powerUnavailable === undefined ? measurePowerWindow({
          gpus: runtime.gpus,
          stream: execution.origin,
          launch: () => execution.launch(true),
          synchronize: () => runtime.synchronize(),
          iterationUs: iteration.medianUs,
          tokensPerIteration: plan.batch.tokens,
        }) : undefined,
      });
    }
    const planned = modes.find((m) => m.mode === "planned");
    const sequential = modes.find((m) => m.mode === "sequential");
    return {
      gpu: runtime.gpu.info.name,
      gpus: runtime.gpus.length,
      allReduce: runtime.allReduce,
      plan: {
        model: plan.model.name,
        tokens: plan.batch.tokens,
        layers: runtime.shape.layers,
        nanoBatches: plan.nanoBatches.length,
        tensorParallel: plan.tensorParallel,
        allReduceMethod: plan.allReduceMethod,
        predictedLayerUs: plan.prediction.layerUs,
        predictedIterationUs: plan.prediction.iterationUs,
        predictedSequentialLayerUs: plan.prediction.sequential.layerUs,
        predictedTokensPerSecondPerGpu: plan.prediction.tokensPerSecondPerGpu,
      },
      edgesUs,
      modes,
      speedupOverSequential: planned && sequential ? sequential.layerUs / planned.layerUs : undefined,
      iterationSpeedupOverSequential: planned && sequential ? sequential.iteration.medianUs / planned.iteration.medianUs : undefined,
      predictionError: planned ? (plan.prediction.layerUs - planned.layerUs) / planned.layerUs : undefined,
      powerUnavailable,
    };
  } finally {
    start.dispose();
    end.dispose();
  }
}

/** Every row a request at the plan's decode context, with random tokens and its own random pages. */
export function randomRequests(runtime: Runtime, seed = Date.now()): DecodeRequest[] {
  const { usablePages, maxPages, pageSize } = runtime.state.cache.layout;
  const position = Math.min(Math.max(0, Math.round(runtime.plan.batch.decodeContext) - 1), maxPages * pageSize - 1);
  const pagesEach = Math.floor(position / pageSize) + 1;
  const rows = Math.min(runtime.rows, Math.floor(usablePages / pagesEach));
  const random = seededUniform(`requests:${seed}`, rows + usablePages, 0.5, 0.5);
  const order = shuffledOrder(random.subarray(rows));
  return Array.from({ length: rows }, (_, row) => ({
    token: Math.floor(random[row]! * runtime.vocab),
    position,
    pages: order.subarray(row * pagesEach, (row + 1) * pagesEach),
  }));
}

/** Random K and V everywhere, on every rank: a random block copied across each layer's cache. */
export function fillCacheWithRandomValues(runtime: Runtime): void {
  for (const { gpu, state } of runtime.engines) {
    const { k, v } = state.cache;
    const block = Math.min(k[0]!.length, 8 * 2 ** 20);
    const random = gpu.upload("bf16", seededUniform(`kv:${Date.now()}`, block, 1));
    const stream = gpu.createStream();
    try {
      for (const array of [...k, ...v]) {
        for (let offset = 0; offset < array.length; offset += block) array.copyFrom(random, stream, 0, offset, Math.min(block, array.length - offset));
      }
      stream.synchronize();
    } finally {
      stream.dispose();
      random.dispose();
    }
  }
}

/**
 * Whole iterations, and iterations of a quarter of the layers (rounded up), timed in turn: the whole
 * ones' distribution, and a layer's time in steady state, the median of each pair's difference over
 * the layers between them (pairs cancel drift in clocks and power). A model of one layer has no
 * shorter iteration: its layer is the iteration less prologue and epilogue.
 */
function timeLayers(runtime: Runtime, start: GpuEvent, end: GpuEvent, execution: ModeExecution, settings: BenchmarkOptions, edgesUs: number): Pick<ModeTiming, "iteration" | "layerUs" | "shorterLayers"> {
  const layers = execution.layers;
  const whole = () => execution.launch(true);
  if (layers === 1) {
    const iteration = timeRepeatedly(runtime, start, end, execution.origin, settings, whole);
    return { iteration, layerUs: iteration.medianUs - edgesUs, shorterLayers: undefined };
  }
  const shorterLayers = Math.ceil(layers / 4);
  const shorter = () => execution.launch(true, shorterLayers);
  for (let i = 0; i < settings.warmup; i++) {
    whole();
    shorter();
  }
  runtime.synchronize();
  const wholeUs: number[] = [];
  const perLayerUs: number[] = [];
  for (let i = 0; i < settings.iterations; i++) {
    const us = timeOnce(runtime, start, end, execution.origin, whole);
    wholeUs.push(us);
    perLayerUs.push((us - timeOnce(runtime, start, end, execution.origin, shorter)) / (layers - shorterLayers));
  }
  return { iteration: distribution(wholeUs), layerUs: distribution(perLayerUs).medianUs, shorterLayers };
}

/** Rank 0's GPU time of `work`; every rank finishes before the next sample, so none runs ahead. */
function timeRepeatedly(runtime: Runtime, start: GpuEvent, end: GpuEvent, stream: Stream, settings: BenchmarkOptions, work: () => void, repetitions = settings.iterations): Distribution {
  for (let i = 0; i < settings.warmup; i++) work();
  runtime.synchronize();
  const samples: number[] = [];
  for (let i = 0; i < repetitions; i++) samples.push(timeOnce(runtime, start, end, stream, work));
  return distribution(samples);
}

/** Rank 0's GPU time of `work` in µs, between events on `stream`; returns once every rank has finished. */
export function timeOnce(runtime: Runtime, start: GpuEvent, end: GpuEvent, stream: Stream, work: () => void): number {
  start.record(stream);
  work();
  end.record(stream);
  end.synchronize();
  runtime.synchronize();
  return end.elapsedMsSince(start) * 1000;
}

/**
 * Each op of layer 0 alone on its lane (on every rank), `opRepetitions` launches back to back in a
 * CUDA graph (eagerly where the mode runs without one), per launch. A sequential op's prediction is
 * the plan's sequential one; plans made before those were written have none.
 */
function timeOperations(runtime: Runtime, execution: ModeExecution, start: GpuEvent, end: GpuEvent, settings: BenchmarkOptions): OperationTiming[] {
  const repeat = settings.opRepetitions;
  const predicted = execution.operations.mode !== "sequential" || runtime.plan.prediction.sequential.operations !== undefined;
  return execution.operations.operations.map((op) => {
    const lane = execution.lanes.lane(execution.operations.laneOf(op));
    const graphs = execution.captureAlone(op, repeat, runtime.useGraph);
    try {
      const timing = timeRepeatedly(runtime, start, end, lane.stream, { ...settings, warmup: 2 }, graphs ? () => graphs.launch() : () => {
        for (let i = 0; i < repeat; i++) execution.launchAlone(op);
      }, 5);
      return { id: op.id, lane: lane.name, rows: op.rows[1] - op.rows[0], predictedUs: predicted ? op.endUs - op.startUs : undefined, measuredUs: timing.medianUs / repeat };
    } finally {
      graphs?.dispose();
    }
  });
}

/** Traced iterations of the middle layer: each op's start and durations are medians over these. */
const TRACE_SAMPLES = 9;

/** The trace, or why there is none: it needs the iteration's CUDA graph and CUPTI, which the rest of a run does not. */
function traceMiddleLayer(runtime: Runtime, execution: ModeExecution): Pick<ModeTiming, "coRun" | "coRunUnavailable"> {
  const layer = Math.floor(runtime.shape.layers / 2);
  if (!runtime.useGraph) return { coRun: undefined, coRunUnavailable: "iterations run without CUDA graphs, and the trace reads the graph's kernels" };
  if (execution.graphFallback !== undefined) return { coRun: undefined, coRunUnavailable: execution.graphFallback };
  try {
    return { coRun: compareTrace(layer, execution.traceLayer(layer, TRACE_SAMPLES), execution.operations), coRunUnavailable: undefined };
  } catch (error) {
    if (isNativeError(error) && error.library === "CUPTI") return { coRun: undefined, coRunUnavailable: error.message };
    throw error;
  }
}

function distribution(samples: number[]): Distribution {
  const sorted = [...samples].sort((a, b) => a - b);
  const at = (q: number) => sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))]!;
  return { medianUs: at(0.5), p10Us: at(0.1), p90Us: at(0.9), samples: sorted.length };
}
