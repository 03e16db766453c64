/**
 * The summary `nanoweave plan` prints: what was planned, from what, how fast, how well solved; as
 * aligned text for people, or as a small object for scripts (`--json`).
 */
import { WHOLE_LAYOUT, type Plan, type StreamName } from "../plan/schema.js";
import { textStyle, type TextStyle } from "./ansi.js";
import { describeLayout, describeModel, describeProfile, layoutSms, nanoBatchSizes, type ReportContext } from "./plan-facts.js";
import { formatColumns } from "./text-table.js";
import { formatCount, formatGap, formatGiB, formatMs, formatPercent, formatSeconds, formatSpeedup, formatUs } from "./units.js";

export interface PlanSummaryOptions extends ReportContext {
  /** ANSI styling; the caller decides (never when stdout is not a TTY). */
  color?: boolean;
}

const NONE = "–";
const ALL_REDUCE_NAMES: Readonly<Record<Plan["allReduceMethod"], string>> = { nccl: "NCCL", peer: "the peer kernel" };

/** Lines of text, each ending in a newline, ready for stdout. */
export function formatPlanSummary(plan: Plan, options: PlanSummaryOptions = {}): string {
  const style = textStyle(options.color ?? false);
  const sections = [setupLines(plan, options, style), predictionLines(plan, style), solverLines(plan, style), batchLines(plan, style)].filter((lines) => lines.length > 0);
  return `${sections.map((lines) => lines.join("\n")).join("\n\n")}\n`;
}

/** The key figures for scripts: times in microseconds, gap as a fraction, as in the plan file. */
export interface PlanJsonSummary {
  model: string;
  requestedModel?: string;
  tensorParallel: number;
  /** How the GPUs sum; null for a plan without all-reduces. */
  allReduce: Plan["allReduceMethod"] | null;
  gpu: string;
  profile: { source: Plan["profile"]["source"]; path: string | null };
  batch: { tokens: number; decodeTokens: number; prefillTokens: number; requests: number; candidates?: Plan["batch"]["candidates"] };
  nanoBatches: { count: number; sizes: number[] };
  layouts: { id: string; sms: Partial<Record<StreamName, number>> }[];
  layerUs: number;
  iterationUs: number;
  tokensPerSecondPerGpu: number;
  sequential: Plan["prediction"]["sequential"];
  lowerBound: Plan["prediction"]["lowerBound"];
  speedupOverSequential: number;
  percentOfLowerBound: number;
  /** objectiveUs: the MILP's period, every nano-batch at the largest one's durations; layerUs above times its order at each one's own. */
  solver: { backend: Plan["solver"]["backend"]; status: Plan["solver"]["status"]; objectiveUs: number; boundUs: number; gap: number; seconds: number };
  notes: string[];
  planFile?: string;
}

export function formatPlanJsonSummary(plan: Plan, context: ReportContext = {}): PlanJsonSummary {
  const { prediction, solver, batch } = plan;
  return {
    model: plan.model.name,
    ...(context.requestedModel !== undefined && { requestedModel: context.requestedModel }),
    tensorParallel: plan.tensorParallel,
    allReduce: plan.allReduce ? plan.allReduceMethod : null,
    gpu: plan.gpu.name,
    profile: { source: plan.profile.source, path: plan.profile.path },
    batch: {
      tokens: batch.tokens,
      decodeTokens: batch.decodeTokens,
      prefillTokens: batch.prefillTokens,
      requests: batch.requests,
      ...(batch.candidates && { candidates: batch.candidates }),
    },
    nanoBatches: { count: plan.nanoBatches.length, sizes: nanoBatchSizes(plan) },
    layouts: plan.layouts.map((layout) => ({ id: layout.id, sms: layoutSms(layout) })),
    layerUs: prediction.layerUs,
    iterationUs: prediction.iterationUs,
    tokensPerSecondPerGpu: prediction.tokensPerSecondPerGpu,
    sequential: prediction.sequential,
    lowerBound: prediction.lowerBound,
    speedupOverSequential: prediction.speedupOverSequential,
    percentOfLowerBound: prediction.percentOfLowerBound,
    solver: { backend: solver.backend, status: solver.status, objectiveUs: solver.objectiveUs, boundUs: solver.boundUs, gap: solver.gap, seconds: solver.seconds },
    notes: plan.notes,
    ...(context.planFile !== undefined && { planFile: context.planFile }),
  };
}

function setupLines(plan: Plan, context: ReportContext, style: TextStyle): string[] {
  const { batch, profile, gpu } = plan;
  const layouts = plan.layouts.map((layout) => {
    const ops = plan.operations.filter((op) => op.layout === layout.id).length;
    const sms = layout.id === WHOLE_LAYOUT ? `all ${gpu.sms} SMs to one op at a time` : describeLayout(layout);
    return `${layout.id}: ${sms} (${ops} of ${plan.operations.length} ops)`;
  });
  const rows: [string, string][] = [
    ["model", describeModel(plan, context.requestedModel)],
    ["parallelism", `tensor-parallel over ${plan.tensorParallel} GPU${plan.tensorParallel === 1 ? "" : "s"}${plan.allReduce ? `, all-reduce by ${ALL_REDUCE_NAMES[plan.allReduceMethod]}` : ""}`],
    ["GPU", `${gpu.name}: ${gpu.sms} SMs, ${formatGiB(gpu.memoryGiB * 2 ** 30)}`],
    ["profile", `${describeProfile(profile)} (${profile.gpu}, ${profile.date.slice(0, 10)})`],
    ...plan.notes.map((note): [string, string] => ["note", note]),
    ["workload", describeWorkload(plan.workload)],
    [
      "dense batch",
      `${formatCount(batch.tokens)} tokens${describeSizing(batch)}: ` +
        `${formatCount(batch.decodeTokens)} decode (mean context ${formatCount(batch.decodeContext)}) + ` +
        `${formatCount(batch.prefillTokens)} prefill (mean context ${formatCount(batch.prefillContext)}), ${formatCount(batch.requests)} requests`,
    ],
    [
      "memory",
      `KV cache ${formatGiB(batch.memory.kvCacheBytes)}, free ${formatGiB(batch.memory.freeBytes)} ` +
        `(weights ${formatGiB(batch.memory.weightBytes)}, activations ${formatGiB(batch.memory.activationBytes)}, ` +
        `reserved ${formatGiB(batch.memory.reservedBytes)}, of ${formatGiB(batch.memory.gpuBytes)})`,
    ],
    ["nano-batches", `${plan.nanoBatches.length}: ${nanoBatchSizes(plan).map(formatCount).join(" + ")} tokens (granule ${batch.granule})${unevenHint(plan)}`],
    ...layouts.map((layout): [string, string] => ["SM layout", layout]),
  ];
  if (context.planFile !== undefined) rows.push(["plan file", context.planFile]);
  return formatColumns(rows, ["left", "left"], (cell, _row, column) => (column === 0 ? style.bold(cell) : cell));
}

/**
 * The MILP orders a smaller last nano-batch as if it were as large as the others (its times in the
 * plan are its own), so where the planner sized the batch, say what else it can try.
 */
function unevenHint(plan: Plan): string {
  const sizes = nanoBatchSizes(plan);
  if (sizes.at(-1)! === sizes[0]!) return "";
  return `; cut unevenly${plan.batch.auto && !plan.batch.candidates ? ": --batch best also plans sizes cut evenly" : ""}`;
}

function describeSizing(batch: Plan["batch"]): string {
  if (batch.candidates) return ` (best: the most tokens/s of ${batch.candidates.length} sizes up to the ${formatCount(Math.max(...batch.candidates.map((c) => c.tokens)))} that fit)`;
  return batch.auto ? " (auto: the most that fits)" : "";
}

function describeWorkload(workload: Plan["workload"]): string {
  if (workload.kind === "decode") return `${workload.name}: decode only, ${formatCount(workload.contextTokens)} context tokens per request`;
  return `${workload.name}: continuous batching, ${formatCount(workload.promptTokens)} prompt + ${formatCount(workload.outputTokens)} output tokens per request`;
}

function predictionLines(plan: Plan, style: TextStyle): string[] {
  const { prediction } = plan;
  // The bound's iteration serves the same batch, so its throughput scales inversely with its time.
  const boundTokensPerSecond = (prediction.tokensPerSecondPerGpu * prediction.iterationUs) / prediction.lowerBound.iterationUs;
  const row = (name: string, layerUs: number, iterationUs: number, tokensPerSecond: number, ...verdict: string[]): string[] => [
    name,
    formatUs(layerUs),
    formatMs(iterationUs),
    formatCount(tokensPerSecond),
    ...verdict,
  ];
  const table = formatColumns(
    [
      ["prediction", "layer", "iteration", "tokens/s per GPU", "vs sequential", "of lower bound"],
      row("plan", prediction.layerUs, prediction.iterationUs, prediction.tokensPerSecondPerGpu, formatSpeedup(prediction.speedupOverSequential), formatPercent(prediction.percentOfLowerBound)),
      row("sequential", prediction.sequential.layerUs, prediction.sequential.iterationUs, prediction.sequential.tokensPerSecondPerGpu),
      row("lower bound", prediction.lowerBound.layerUs, prediction.lowerBound.iterationUs, boundTokensPerSecond),
    ],
    ["left", "right", "right", "right", "right", "right"],
    (cell, row, column) => (row === 0 || column === 0 ? style.bold(cell) : cell),
  );
  return [...table, style.dim("sequential: one stream, whole GPU, no nano-batches; lower bound: the GEMMs on the whole GPU, all else hidden")];
}

function solverLines(plan: Plan, style: TextStyle): string[] {
  const { solver } = plan;
  const status = (text: string): string => (text.startsWith("optimal") ? style.good(text) : text.startsWith("time_limit") ? style.warn(text) : text);
  const headline =
    `${style.bold("solver")}  ${solver.backend}: ${status(solver.status)}, objective ${formatUs(solver.objectiveUs)}, ` +
    `bound ${formatUs(solver.boundUs)}, gap ${formatGap(solver.gap)}, ${formatSeconds(solver.seconds)} of ${formatSeconds(solver.timeLimitSeconds)} allowed`;
  const lines = [headline];
  // The MILP prices every nano-batch at the largest one's durations; the plan is timed at each one's own (retime.ts).
  if (plan.nanoBatches.length > 1 && plan.periodUs < solver.objectiveUs - 0.05) {
    lines.push(`the plan's layer, ${formatUs(plan.periodUs)}, is the solver's order timed at each nano-batch's own durations (the solver gives each the largest one's)`);
  }
  if (solver.status === "time_limit") lines.push(style.warn("the time limit ran out: this is the best plan found, not proven optimal"));
  const chosen = plan.nanoBatches.length;
  const table = formatColumns(
    [
      ["nano-batches", "status", "period", "bound", "time", ""],
      ...solver.nanoBatchCounts.map((c) => [
        String(c.count),
        c.status,
        c.periodUs === null ? NONE : formatUs(c.periodUs),
        c.boundUs === null ? NONE : formatUs(c.boundUs),
        formatSeconds(c.seconds),
        c.count === chosen ? "← chosen" : "",
      ]),
    ],
    ["right", "left", "right", "right", "right", "left"],
    (cell, row, column) => (row === 0 ? style.bold(cell) : column === 1 ? status(cell) : cell),
  );
  return [...lines, ...table];
}

/** --batch best: each dense batch size planned, with what it was predicted to serve. */
function batchLines(plan: Plan, style: TextStyle): string[] {
  const { candidates, tokens } = plan.batch;
  if (!candidates) return [];
  const figure = (value: number | null, format: (v: number) => string): string => (value === null ? NONE : format(value));
  return formatColumns(
    [
      ["dense batch", "status", "nano-batches", "layer", "tokens/s per GPU", ""],
      ...candidates.map((c) => [
        formatCount(c.tokens),
        c.status,
        figure(c.nanoBatches, String),
        figure(c.layerUs, formatUs),
        figure(c.tokensPerSecondPerGpu, formatCount),
        c.tokens === tokens ? "← chosen" : "",
      ]),
    ],
    ["right", "left", "right", "right", "right", "left"],
    (cell, row) => (row === 0 ? style.bold(cell) : cell),
  );
}
