/**
 * `nanoweave run`: runs a plan's decode iterations on this machine's GPU (a tensor-parallel plan on
 * its N GPUs) and prints, from one process, the measured layer and iteration time of each mode
 * beside the plan's prediction, and each mode's power and energy run back to back.
 */
import type { ArgumentsCamelCase, Argv, CommandModule } from "yargs";
import { benchmarkModes } from "../../runtime/benchmark.js";
import { formatBenchmark } from "../../runtime/formatBenchmark.js";
import { EXECUTION_MODES } from "../../runtime/plan/executionModes.js";
import { Runtime } from "../../runtime/Runtime.js";
import { checkPositiveInteger } from "../argumentChecks.js";
import { checkExecutionMode, runtimeArgumentOptions, runtimeOptionsOf, type RuntimeArguments } from "../runtimeArguments.js";

interface RunArguments extends RuntimeArguments {
  iterations: number;
  modes: string;
  json: boolean;
}

export const runCommand: CommandModule<object, RunArguments> = {
  command: "run",
  describe: "Run a plan's decode iterations on this GPU (a tensor-parallel plan on its GPUs) and time them: planned, sequential and plain streams, with each mode's power and energy per iteration (through NVML)",
  builder: (yargs: Argv) =>
    runtimeArgumentOptions(yargs, { timing: true })
      .option("iterations", { type: "number", default: 100, describe: "Timed iterations per mode (after 10 of warm-up)" })
      .option("modes", { type: "string", default: EXECUTION_MODES.join(","), describe: `Modes to run, comma-separated: ${EXECUTION_MODES.join(", ")}` })
      .option("json", { type: "boolean", default: false, describe: "Print the report as JSON" })
      .example("$0 run --plan llama-70b-tp8-h100.plan.json", "all three modes, 100 iterations each") as unknown as Argv<RunArguments>,
  handler: async (args: ArgumentsCamelCase<RunArguments>) => {
    const modes = args.modes.split(",").map((mode) => checkExecutionMode(mode.trim(), "--modes"));
    checkPositiveInteger(args.iterations, "--iterations");
    const runtime = await Runtime.create({ ...runtimeOptionsOf(args), modes });
    try {
      const report = await benchmarkModes(runtime, { iterations: args.iterations });
      process.stdout.write(`${args.json ? JSON.stringify(report, null, 2) : formatBenchmark(report)}\n`);
    } finally {
      runtime.dispose();
    }
  },
};
