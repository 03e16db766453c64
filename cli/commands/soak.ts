/**
 * `nanoweave soak`: the endurance check. Runs a plan's decode iterations for a long time on one
 * fixed batch, samples host and GPU memory, and fails (exit code 1) when GPU memory grew at all or
 * host RSS grew past a threshold. Parses the options and calls runtime/soak.ts.
 */
import type { ArgumentsCamelCase, Argv, CommandModule } from "yargs";
import { InputError } from "../../planner/errors.js";
import { formatSoakReport, formatSoakSample } from "../../runtime/formatSoak.js";
import { EXECUTION_MODES } from "../../runtime/plan/executionModes.js";
import { Runtime } from "../../runtime/Runtime.js";
import { soak, SOAK_WARMUP } from "../../runtime/soak.js";
import { MIB } from "../../runtime/soakVerdict.js";
import { checkPositiveInteger } from "../argumentChecks.js";
import { checkExecutionMode, runtimeArgumentOptions, runtimeOptionsOf, type RuntimeArguments } from "../runtimeArguments.js";

interface SoakArguments extends RuntimeArguments {
  iterations: number;
  mode: string;
  sampleEvery: number;
  maxRssGrowthMib: number;
  json: boolean;
}

/** GPU used memory may move by this much without a leak: the driver's own bookkeeping. */
const GPU_GROWTH_TOLERANCE_BYTES = 1 * MIB;

export const soakCommand: CommandModule<object, SoakArguments> = {
  command: "soak",
  describe: "Endurance check: run a plan's decode iterations many times on a fixed batch and fail if host or GPU memory grows",
  builder: (yargs: Argv) =>
    runtimeArgumentOptions(yargs, { timing: false })
      .option("iterations", { type: "number", default: 10000, describe: `Iterations to run after ${SOAK_WARMUP} of warm-up` })
      .option("mode", { type: "string", default: "planned", describe: `Mode to run: ${EXECUTION_MODES.join(", ")}` })
      .option("sample-every", { type: "number", default: 1000, describe: "Iterations between memory samples (one is taken after warm-up and one at the end)" })
      .option("max-rss-growth-mib", { type: "number", default: 64, describe: `Host RSS growth allowed from the first sample to the last, MiB (GPU used memory may not grow beyond ${GPU_GROWTH_TOLERANCE_BYTES / MIB} MiB)` })
      .option("json", { type: "boolean", default: false, describe: "Print the report as JSON (progress lines go to stderr)" })
      .example("$0 soak --plan llama-70b-tp8-h100.plan.json", "10,000 planned iterations, memory sampled every 1,000")
      .example("$0 soak --plan plan.json --iterations 100000 --mode sequential --sample-every 5000", "a longer run of another mode") as unknown as Argv<SoakArguments>,
  handler: async (args: ArgumentsCamelCase<SoakArguments>) => {
    const mode = checkExecutionMode(args.mode, "--mode");
    checkPositiveInteger(args.iterations, "--iterations");
    checkPositiveInteger(args.sampleEvery, "--sample-every");
    if (!Number.isFinite(args.maxRssGrowthMib) || args.maxRssGrowthMib < 0) throw new InputError(`--max-rss-growth-mib must be a number of MiB, 0 or more, got ${args.maxRssGrowthMib}`, "--max-rss-growth-mib");
    const runtime = await Runtime.create({ ...runtimeOptionsOf(args), modes: [mode] });
    try {
      // With --json, stdout holds the report alone.
      const progress = args.json ? process.stderr : process.stdout;
      const report = soak(runtime, {
        iterations: args.iterations,
        sampleEvery: args.sampleEvery,
        mode,
        limits: { maxRssGrowthBytes: args.maxRssGrowthMib * MIB, maxGpuGrowthBytes: GPU_GROWTH_TOLERANCE_BYTES },
        onSample: (sample) => void progress.write(`${formatSoakSample(sample, args.iterations)}\n`),
      });
      process.stdout.write(`${args.json ? JSON.stringify(report, null, 2) : formatSoakReport(report)}\n`);
      const { failures } = report.verdict;
      if (failures.length > 0) throw new Error(`soak failed: ${failures.join("; ")}`);
    } finally {
      runtime.dispose();
    }
  },
};
