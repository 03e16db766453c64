/**
 * The verdict of an endurance run: how much host and GPU memory grew from the first sample after
 * warm-up to the last, and whether that is more than allowed. A serving process steps for days, so
 * any GPU growth (beyond the driver's rounding) is a leak; host RSS moves with the JavaScript heap
 * and its garbage collector, so it gets a threshold.
 */

/** Memory at one point of the run. */
export interface MemorySample {
  /** Iterations done after warm-up. */
  iteration: number;
  /** Wall time of those iterations, milliseconds. */
  elapsedMs: number;
  /** process.memoryUsage(): resident set, memory of C++ objects bound to JavaScript, and of ArrayBuffers (part of external). */
  rssBytes: number;
  externalBytes: number;
  arrayBuffersBytes: number;
  /** Each GPU of the run (rank order): total less free memory, as the driver reports it. */
  gpus: { device: number; usedBytes: number }[];
}

export interface SoakLimits {
  maxRssGrowthBytes: number;
  /** Per GPU. */
  maxGpuGrowthBytes: number;
}

/** Last sample less first; negative where memory shrank. */
export interface MemoryGrowth {
  fromIteration: number;
  toIteration: number;
  rssBytes: number;
  externalBytes: number;
  arrayBuffersBytes: number;
  gpus: { device: number; usedBytes: number }[];
}

export interface SoakVerdict {
  growth: MemoryGrowth;
  /** One line per limit exceeded, naming what grew and by how much; empty when the run passes. */
  failures: string[];
}

export const MIB = 2 ** 20;

export function memoryGrowth(first: MemorySample, last: MemorySample): MemoryGrowth {
  const devices = (sample: MemorySample) => sample.gpus.map((gpu) => gpu.device).join(",");
  if (devices(first) !== devices(last)) throw new RangeError(`Expected samples of the same GPUs but received [${devices(first)}] and [${devices(last)}]`);
  return {
    fromIteration: first.iteration,
    toIteration: last.iteration,
    rssBytes: last.rssBytes - first.rssBytes,
    externalBytes: last.externalBytes - first.externalBytes,
    arrayBuffersBytes: last.arrayBuffersBytes - first.arrayBuffersBytes,
    gpus: last.gpus.map((gpu, index) => ({ device: gpu.device, usedBytes: gpu.usedBytes - first.gpus[index]!.usedBytes })),
  };
}

/** Growth from the first sample to the last, against the limits. */
export function soakVerdict(samples: readonly MemorySample[], limits: SoakLimits): SoakVerdict {
  if (samples.length < 2) throw new RangeError(`Expected at least 2 memory samples (after warm-up and at the end) but received ${samples.length}`);
  const growth = memoryGrowth(samples[0]!, samples.at(-1)!);
  const span = `from iteration ${growth.fromIteration} to ${growth.toIteration}`;
  const failures: string[] = [];
  for (const gpu of growth.gpus) {
    if (gpu.usedBytes > limits.maxGpuGrowthBytes) failures.push(`GPU ${gpu.device} used memory grew ${mib(gpu.usedBytes)} MiB ${span}, more than the ${mib(limits.maxGpuGrowthBytes)} MiB allowed`);
  }
  if (growth.rssBytes > limits.maxRssGrowthBytes) failures.push(`host RSS grew ${mib(growth.rssBytes)} MiB ${span}, more than the ${mib(limits.maxRssGrowthBytes)} MiB allowed`);
  return { growth, failures };
}

/** Bytes as MiB with one decimal. */
export function mib(bytes: number): string {
  return (bytes / MIB).toFixed(1);
}
