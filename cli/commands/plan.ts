/**
 * `nanoweave plan`: from a model and a GPU count to a plan file, a summary and a timeline picture.
 * Parses arguments and calls the planner; the handler throws on failure (the CLI maps errors to
 * exit codes).
 */
import type { ArgumentsCamelCase, Argv, CommandModule } from "yargs";
import { InputError } from "../../planner/errors.js";
import { SOLVER_BACKENDS, type SolverBackendName } from "../../planner/milp/solution.js";
import { ALL_REDUCE_METHODS, type AllReduceMethod } from "../../planner/model/all-reduce-method.js";
import { checkPositiveInteger } from "../argumentChecks.js";

interface PlanArguments {
  model: string;
  gpus: number;
  gpu?: string;
  workload?: string;
  batch: string;
  granule: number;
  profile?: string;
  solver: string;
  timeLimit: number;
  gap: number;
  maxNanoBatches: number;
  nanoBatches?: number;
  allReduce: boolean;
  allReduceMethod: string;
  layers?: number;
  out?: string;
  /** A path, or false from --no-gantt. */
  gantt?: unknown;
  json: boolean;
  quiet: boolean;
}

export const planCommand: CommandModule<object, PlanArguments> = {
  command: "plan",
  describe: "Plan nano-batches, SM partitions and overlap for a model's decode iterations (no GPU needed)",
  builder: (yargs: Argv) =>
    yargs
      .option("model", { type: "string", demandOption: true, describe: "Model name or alias (llama-70b, llama3-8b, ...) or a path to a Hugging Face config.json" })
      .option("gpus", { type: "number", default: 1, describe: "Tensor-parallel degree: GPUs one model instance spans" })
      .option("gpu", { type: "string", describe: "GPU model: H100 (default), H200, A100, or a path to a GPU spec JSON" })
      .option("workload", { type: "string", describe: "Workload name (default: 1024 prompt + 512 output tokens) or a path to a workload JSON" })
      .option("batch", { type: "string", default: "auto", describe: "Dense batch in tokens per iteration; auto: the largest whose KV cache fits; best: of that and the largest below it each nano-batch count cuts into equal nano-batches, the one with the most predicted tokens/s (each planned in turn: slower)" })
      .option("granule", { type: "number", default: 128, describe: "Nano-batch sizes are multiples of this many tokens" })
      .option("profile", { type: "string", describe: "Profile JSON to plan from (default: profiles/<gpu>.json if measured, else derived from the GPU's specs)" })
      .option("solver", { type: "string", choices: SOLVER_BACKENDS, default: "highs", describe: "MILP backend" })
      .option("time-limit", { type: "number", default: 8, describe: "Seconds the solver may take in all" })
      .option("gap", { type: "number", default: 0.001, describe: "Relative optimality gap at which the solver may stop" })
      .option("max-nano-batches", { type: "number", default: 8, describe: "Largest number of nano-batches to consider" })
      .option("nano-batches", { type: "number", describe: "Plan exactly this many nano-batches (experiments) instead of the best count" })
      .option("all-reduce", { type: "boolean", default: true, describe: "--no-all-reduce plans one GPU's shard alone, to run it on a single GPU" })
      .option("all-reduce-method", {
        type: "string",
        choices: ALL_REDUCE_METHODS,
        default: "nccl",
        describe: "How the GPUs sum their partial results: NCCL's kernels, or peer: nanoweave's kernel reading and writing the other GPUs' memory directly (the profile must have measured it: nanoweave profile --only peer-allreduce)",
      })
      .option("layers", { type: "number", describe: "Plan the model cut to this many layers (for benchmarks of a few layers)" })
      .option("out", { type: "string", describe: "Plan file to write (default: <model>-tp<gpus>-<gpu>.plan.json here)" })
      .option("gantt", { describe: "Timeline SVG to write (default: beside the plan file); --no-gantt skips it" })
      .option("json", { type: "boolean", default: false, describe: "Print a JSON summary for scripts instead of the table" })
      .option("quiet", { type: "boolean", default: false, describe: "No progress messages on stderr" })
      .example("$0 plan --model llama-70b --gpus 8", "Llama-2-70B on 8 H100s")
      .example("$0 plan --model llama3-8b --gpu h200 --workload decode-1024 --batch 2048", "one H200, pure decode")
      .example("$0 plan --model ./my-model/config.json --gpus 4 --gantt timeline.svg", "any Llama-family Hugging Face config")
      .example("$0 plan --model llama-70b --gpus 4 --gpu h200 --all-reduce-method peer", "4 H200s summing with nanoweave's peer kernel") as unknown as Argv<PlanArguments>,
  handler: async (args: ArgumentsCamelCase<PlanArguments>) => {
    const batch = parseBatch(args.batch);
    checkPositiveInteger(args.gpus, "--gpus");
    checkPositiveInteger(args.granule, "--granule");
    checkPositiveInteger(args.maxNanoBatches, "--max-nano-batches");
    if (args.nanoBatches !== undefined) checkPositiveInteger(args.nanoBatches, "--nano-batches");
    if (!(args.timeLimit > 0)) throw new InputError(`--time-limit must be a positive number of seconds, got ${args.timeLimit}`, "--time-limit");
    if (!(args.gap >= 0 && args.gap < 1)) throw new InputError(`--gap must be in [0, 1), got ${args.gap}`, "--gap");
    const progress = args.quiet ? undefined : (message: string): void => void process.stderr.write(`${message}\n`);
    // Loaded here so other commands start without the solver and numeric libraries.
    const { makePlan } = await import("../../planner/plan/make-plan.js");
    const { assertWritable, writePlanFile } = await import("../../planner/plan/plan-file.js");
    const { writeFileAtomic } = await import("../../planner/atomic-write.js");
    const { formatPlanJsonSummary, formatPlanSummary } = await import("../../planner/report/summary.js");
    const { renderGanttSvg } = await import("../../planner/report/gantt-svg.js");

    const plan = await makePlan({
      model: args.model,
      gpus: args.gpus,
      gpu: args.gpu,
      workload: args.workload,
      batch,
      granule: args.granule,
      profile: args.profile,
      solver: args.solver as SolverBackendName,
      timeLimitSeconds: args.timeLimit,
      relativeGap: args.gap,
      maxNanoBatches: args.maxNanoBatches,
      nanoBatches: args.nanoBatches,
      allReduce: args.allReduce,
      allReduceMethod: args.allReduceMethod as AllReduceMethod,
      layers: args.layers,
      onProgress: progress,
    });
    const out = args.out ?? `${slug(plan.model.id)}-tp${plan.tensorParallel}-${slug(plan.gpu.id)}.plan.json`;
    const gantt = args.gantt === false ? undefined : typeof args.gantt === "string" && args.gantt !== "" ? args.gantt : `${out.replace(/(\.plan)?\.json$/, "")}.svg`;
    await assertWritable(out, "--out");
    if (gantt) await assertWritable(gantt, "--gantt");
    await writePlanFile(out, plan);
    if (gantt) await writeFileAtomic(gantt, renderGanttSvg(plan));

    if (plan.solver.status === "time_limit") {
      process.stderr.write(
        `warning: the solver reached its ${args.timeLimit} s limit; the plan is the best found, within ${(plan.solver.gap * 100).toFixed(2)}% of optimal. ` +
          "Raise --time-limit for a proven optimum.\n",
      );
    }
    if (args.json) {
      process.stdout.write(`${JSON.stringify({ ...formatPlanJsonSummary(plan), planFile: out, ganttFile: gantt ?? null }, null, 2)}\n`);
    } else {
      process.stdout.write(formatPlanSummary(plan, { color: process.stdout.isTTY === true }));
      process.stdout.write(`\nplan: ${out}${gantt ? `\ntimeline: ${gantt}` : ""}\n`);
    }
  },
};

function parseBatch(value: string): number | "auto" | "best" {
  if (value === "auto" || value === "best") return value;
  const n = Number(value);
  if (!Number.isInteger(n) || n <= 0) throw new InputError(`--batch must be a positive number of tokens, "auto" or "best", got "${value}"`, "--batch");
  return n;
}

/** A file-name-safe lower-case form of an id or path. */
function slug(id: string): string {
  const base = id.replace(/\\/g, "/").split("/").filter(Boolean).at(-1) ?? id;
  return base.replace(/\.json$/i, "").replace(/[^A-Za-z0-9._-]+/g, "-").toLowerCase();
}
