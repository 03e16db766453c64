/**
 * An endurance run: many decode iterations through step() on one fixed batch (the benchmark's
 * random requests at the plan's decode context), with host and GPU memory sampled after warm-up,
 * every `sampleEvery` iterations and at the end, and the growth between the first sample and the
 * last judged by soakVerdict.ts.
 */
import { randomRequests } from "./benchmark.js";
import type { ExecutionMode } from "./plan/executionModes.js";
import type { Runtime } from "./Runtime.js";
import { soakVerdict, type MemorySample, type SoakLimits, type SoakVerdict } from "./soakVerdict.js";

export interface SoakOptions {
  iterations: number;
  sampleEvery: number;
  /** Default: the runtime's first mode. */
  mode?: ExecutionMode;
  limits: SoakLimits;
  /** Called with each sample as it is taken. */
  onSample?: (sample: MemorySample) => void;
}

export interface SoakReport {
  gpu: string;
  devices: number[];
  model: string;
  mode: ExecutionMode;
  /** Requests in the fixed batch. */
  requests: number;
  warmup: number;
  iterations: number;
  samples: MemorySample[];
  limits: SoakLimits;
  verdict: SoakVerdict;
}

/** Iterations before the first sample: the first step captures the CUDA graphs, and cuBLAS, NCCL and the JavaScript heap settle. */
export const SOAK_WARMUP = 20;

export function soak(runtime: Runtime, options: SoakOptions): SoakReport {
  for (const [name, value] of [["iterations", options.iterations], ["sampleEvery", options.sampleEvery]] as const) {
    if (!Number.isInteger(value) || value < 1) throw new RangeError(`Expected ${name} to be a positive integer but received ${value}`);
  }
  const mode = options.mode ?? runtime.modes[0]!;
  const requests = randomRequests(runtime, 0);
  for (let i = 0; i < SOAK_WARMUP; i++) runtime.step(requests, { mode });
  const samples: MemorySample[] = [];
  const started = performance.now();
  const sample = (iteration: number) => {
    const taken = memorySample(runtime, iteration, performance.now() - started);
    samples.push(taken);
    options.onSample?.(taken);
  };
  sample(0);
  for (let iteration = 1; iteration <= options.iterations; iteration++) {
    runtime.step(requests, { mode });
    if (iteration % options.sampleEvery === 0 || iteration === options.iterations) sample(iteration);
  }
  return {
    gpu: runtime.gpu.info.name,
    devices: runtime.gpus.map((gpu) => gpu.ordinal),
    model: runtime.plan.model.name,
    mode,
    requests: requests.length,
    warmup: SOAK_WARMUP,
    iterations: options.iterations,
    samples,
    limits: options.limits,
    verdict: soakVerdict(samples, options.limits),
  };
}

/** step() waits for its iteration (it downloads the next tokens), so nothing is in flight here. */
function memorySample(runtime: Runtime, iteration: number, elapsedMs: number): MemorySample {
  const host = process.memoryUsage();
  return {
    iteration,
    elapsedMs,
    rssBytes: host.rss,
    externalBytes: host.external,
    arrayBuffersBytes: host.arrayBuffers,
    gpus: runtime.gpus.map((gpu) => {
      const { totalBytes, freeBytes } = gpu.memoryInfo();
      return { device: gpu.ordinal, usedBytes: totalBytes - freeBytes };
    }),
  };
}
