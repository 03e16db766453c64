/** The benchmark report as a table for people (the CLI's --json prints the report itself). */
import type { BenchmarkReport } from "./benchmark.js";
import type { CoRunTrace } from "./coRunTrace.js";
import { POWER_WINDOW_US } from "./powerWindow.js";

/** A time in µs as a right-aligned table column. */
const column = (us: number | undefined) => (us === undefined ? "-" : us.toFixed(1)).padStart(9);

export function formatBenchmark(report: BenchmarkReport): string {
  const p = report.plan;
  const us = (value: number) => `${value.toFixed(1)} us`;
  const lines = [
    `${p.model}, ${p.tokens} decode tokens, ${p.layers} layers, ${p.nanoBatches} nano-batches, on ${formatGpus(report)}`,
    `prologue + epilogue: ${us(report.edgesUs)}`,
    "",
    "mode        layer        iteration (p10-p90)                 tokens/s/GPU",
    ...report.modes.map((m) =>
      `${m.mode.padEnd(11)} ${us(m.layerUs).padEnd(12)} ${`${us(m.iteration.medianUs)} (${m.iteration.p10Us.toFixed(1)}-${m.iteration.p90Us.toFixed(1)})`.padEnd(35)} ${m.tokensPerSecondPerGpu.toFixed(0)}`),
    `plan        ${us(p.predictedLayerUs).padEnd(12)} ${us(p.predictedIterationUs).padEnd(35)} ${p.predictedTokensPerSecondPerGpu.toFixed(0)}   (sequential predicted ${us(p.predictedSequentialLayerUs)} a layer)`,
    formatLayerMethod(report),
    "",
    report.speedupOverSequential === undefined ? "speedup: needs planned and sequential" : `planned vs sequential: ${report.speedupOverSequential.toFixed(3)}x (layer time)${formatIterationSpeedup(report)}`,
    report.predictionError === undefined ? "prediction: needs planned" : `prediction error (planned layer): ${(100 * report.predictionError).toFixed(1)}%`,
    "",
    ...formatPower(report),
  ];
  for (const m of report.modes) {
    lines.push("", `${m.mode}: each op alone on its stream (${m.isolation.join(", ")})`);
    if (m.graphFallback) lines.push(`  note: ${m.graphFallback}`);
    lines.push("  op                          rows  predicted   measured");
    for (const op of m.operations) lines.push(`  ${op.id.padEnd(27)} ${String(op.rows).padStart(5)}  ${column(op.predictedUs)}  ${column(op.measuredUs)}`);
    if (m.coRun) lines.push("", ...formatCoRun(m.mode, m.coRun), formatReplay(m.coRun, p.predictedLayerUs, m.layerUs));
    if (m.coRunUnavailable !== undefined) lines.push("", `${m.mode}: no trace of a layer with its ops running together: ${m.coRunUnavailable}`);
  }
  return lines.join("\n");
}

function formatCoRun(mode: string, trace: CoRunTrace): string[] {
  // Over several ranks a collective lasts least on the rank that joined it last, and the others wait
  // for that rank from their own start: the last column names it and how long after the first it started.
  const ranks = trace.ranks > 1;
  const lastStart = (starts: readonly number[]) => {
    const last = starts.indexOf(Math.max(...starts));
    return `r${last} +${(starts[last]! - Math.min(...starts)).toFixed(1)}`.padStart(12);
  };
  return [
    `${mode}: layer ${trace.layer} with its ops running together (its kernels in replays of the iteration's CUDA graph as CUPTI recorded them, nothing added; each figure a median over the replays; us from the layer's first start${ranks ? `, rank 0's; times also on each of ${trace.ranks} ranks, on one clock` : ""})`,
    `  span: predicted ${trace.predictedSpanUs.toFixed(1)} us, measured ${trace.measuredSpanUs.toFixed(1)} us`,
    ...trace.lanes.map((lane) => `  ${lane.lane} busy: predicted ${lane.predictedBusyUs.toFixed(1)} us, measured ${lane.measuredBusyUs.toFixed(1)} us`),
    `  op                          lane                 start: predicted  measured   time: predicted  measured${ranks ? "  ranks: least     most   last start" : ""}`,
    ...trace.operations.map((op) =>
      `  ${op.id.padEnd(27)} ${op.lane.padEnd(20)} ${column(op.predictedStartUs)} ${column(op.measuredStartUs)}         ${column(op.predictedUs)} ${column(op.measuredUs)}` +
      (ranks ? `         ${column(op.leastRankUs)} ${column(op.mostRankUs)} ${lastStart(op.rankStartUs)}` : "")),
  ];
}

/** How the layer column was measured, and what each iteration spends once beyond its layers. */
function formatLayerMethod(report: BenchmarkReport): string {
  const shorter = report.modes[0]?.shorterLayers;
  if (shorter === undefined) return "layer: the iteration less prologue and epilogue (a model of one layer)";
  const fills = report.modes.map((m) => `${m.mode} ${m.fillUs.toFixed(1)} us`).join(", ");
  return `layer: what an iteration gains a layer in steady state, as the plan's layer (iterations of ${report.plan.layers} and ${shorter} layers timed in turn); ` +
    `beyond its layers an iteration fills and drains its pipeline once: ${fills}`;
}

/** The whole iterations' ratio beside the layers'. */
function formatIterationSpeedup(report: BenchmarkReport): string {
  const speedup = report.iterationSpeedupOverSequential;
  return speedup === undefined ? "" : `, ${speedup.toFixed(3)}x the ${report.plan.layers}-layer iteration`;
}

/** Splits the planned layer's miss into what its ops' own times cost and what time between them costs. */
function formatReplay(trace: CoRunTrace, predictedUs: number, measuredUs: number): string {
  const signed = (us: number) => `${us >= 0 ? "+" : ""}${us.toFixed(1)} us`;
  const { replayedLayerUs: replayed, replayedPredictedLayerUs: replayedPlan } = trace;
  return `  the plan's order replayed with nothing between ops: ${replayedPlan.toFixed(1)} us a layer with its op times, ${replayed.toFixed(1)} with these (the ops' own times: ${signed(replayed - replayedPlan)}); ` +
    `measured ${measuredUs.toFixed(1)} (time between ops: ${signed(measuredUs - replayed)}; the plan counts ${(predictedUs - replayedPlan).toFixed(1)})`;
}

/** The GPUs and, for a tensor-parallel plan, its ranks run and how they summed. */
function formatGpus(report: BenchmarkReport): string {
  const p = report.plan;
  if (report.allReduce === undefined) return report.gpu;
  // The prediction assumed the plan's method: another one run in its place is said beside it.
  const madeFor = report.allReduce !== p.allReduceMethod ? `; the plan was made for ${p.allReduceMethod}` : "";
  const held = report.allReduce === "hold" ? " (each sum held for its planned time, nothing summed)" : "";
  const ranks = report.gpus < p.tensorParallel ? `, its first ${report.gpus} of ${p.tensorParallel} ranks alone` : "";
  return `${report.gpus} x ${report.gpu} (tensor parallel${ranks}, all-reduce: ${report.allReduce}${held}${madeFor})`;
}

function formatPower(report: BenchmarkReport): string[] {
  if (report.powerUnavailable !== undefined) return [`power: not measured (${report.powerUnavailable})`];
  const measured = report.modes.flatMap(({ mode, power }) => (power ? [{ mode, power }] : []));
  if (measured.length === 0) return [];
  const limit = Math.min(...measured.map(({ power }) => power.powerLimitWatts));
  const lines = [
    `power: each mode's iterations back to back for ${POWER_WINDOW_US / 1e6} s, read through NVML (power limit ${limit.toFixed(0)} W${report.gpus > 1 ? " per GPU; energy of all GPUs" : ""})`,
    "mode        iteration    W/GPU  J/iteration  tokens/J  at power limit  thermal  SM clock",
    ...measured.map(({ mode, power: p }) =>
      `${mode.padEnd(11)} ${`${p.iterationUs.toFixed(1)} us`.padEnd(12)} ${p.averageWattsPerGpu.toFixed(0).padStart(5)}  ${p.joulesPerIteration.toFixed(3).padStart(11)}  ${p.tokensPerJoule.toFixed(0).padStart(8)}  ${`${(100 * p.powerCappedShare).toFixed(0)}%`.padStart(14)}  ${`${(100 * p.thermalCappedShare).toFixed(0)}%`.padStart(7)}  ${p.smClockMhz.toFixed(0).padStart(4)} MHz`),
  ];
  const severalGpus = measured.filter(({ power }) => power.perGpu.length > 1);
  if (severalGpus.length > 0) {
    // In lockstep the slowest GPU sets the pace: which one, and whether it holds a lower clock.
    lines.push("each GPU in rank order (device: power, SM clock, at power limit)");
    for (const { mode, power: p } of severalGpus) {
      lines.push(`${mode.padEnd(11)} ${p.perGpu.map((gpu) => `GPU ${gpu.device}: ${gpu.averageWatts.toFixed(0)} W ${gpu.smClockMhz.toFixed(0)} MHz ${(100 * gpu.powerCappedShare).toFixed(0)}%`).join(", ")}`);
    }
  }
  const planned = report.modes.find((m) => m.mode === "planned")?.power;
  const sequential = report.modes.find((m) => m.mode === "sequential")?.power;
  if (planned && sequential) {
    lines.push(`planned vs sequential back to back: ${(sequential.iterationUs / planned.iterationUs).toFixed(3)}x the speed, ${(planned.joulesPerIteration / sequential.joulesPerIteration).toFixed(3)}x the energy per iteration`);
  }
  return lines;
}
