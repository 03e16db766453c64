/** An endurance run for people: a progress line per memory sample, and the growth and verdict at the end (the CLI's --json prints the report itself). */
import type { SoakReport } from "./soak.js";
import { mib, type MemorySample } from "./soakVerdict.js";

export function formatSoakSample(sample: MemorySample, iterations: number): string {
  const rate = sample.iteration > 0 ? `${(sample.elapsedMs / sample.iteration).toFixed(3)} ms/iteration` : "after warm-up";
  const gpus = sample.gpus.map((gpu) => mib(gpu.usedBytes)).join(" | ");
  return `iteration ${String(sample.iteration).padStart(String(iterations).length)}/${iterations}  ${rate.padEnd(20)}  RSS ${mib(sample.rssBytes)} MiB  external ${mib(sample.externalBytes)} MiB  GPU used ${gpus} MiB`;
}

export function formatSoakReport(report: SoakReport): string {
  const { growth, failures } = report.verdict;
  const last = report.samples.at(-1)!;
  const signed = (bytes: number) => `${bytes >= 0 ? "+" : ""}${mib(bytes)} MiB`;
  const gpus = report.devices.length > 1 ? `${report.devices.length} x ${report.gpu} (devices ${report.devices.join(", ")})` : report.gpu;
  return [
    `${report.model}, mode ${report.mode}, ${report.requests} requests a step, ${report.iterations} iterations after ${report.warmup} of warm-up on ${gpus}: ${(last.elapsedMs / last.iteration).toFixed(3)} ms/iteration`,
    `growth from iteration ${growth.fromIteration} to ${growth.toIteration}:`,
    `  host RSS        ${signed(growth.rssBytes).padStart(14)}   (allowed ${mib(report.limits.maxRssGrowthBytes)} MiB)`,
    `  external        ${signed(growth.externalBytes).padStart(14)}`,
    `  arrayBuffers    ${signed(growth.arrayBuffersBytes).padStart(14)}`,
    ...growth.gpus.map((gpu) => `  GPU ${String(gpu.device).padEnd(11)} ${signed(gpu.usedBytes).padStart(14)}   (allowed ${mib(report.limits.maxGpuGrowthBytes)} MiB)`),
    failures.length === 0 ? "verdict: no memory growth beyond the limits" : `verdict: FAILED\n${failures.map((line) => `  - ${line}`).join("\n")}`,
  ].join("\n");
}
