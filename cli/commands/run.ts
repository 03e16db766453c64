/**
 * `nanoweave run`: runs a plan's decode iterations on this machine's GPU (a tensor-parallel plan on
 * its N GPUs) and prints, from one process, the measured layer and iteration time of each mode
 * beside the plan's prediction.
 */
import type { ArgumentsCamelCase, Argv, CommandModule } from "yargs";
import { InputError } from "../../planner/errors.js";
import { benchmarkModes } from "../../runtime/benchmark.js";
import { formatBenchmark } from "../../runtime/formatBenchmark.js";
import { EXECUTION_MODES, type ExecutionMode } from "../../runtime/plan/executionModes.js";
import { Runtime } from "../../runtime/Runtime.js";

interface RunArguments {
  plan: string;
  iterations: number;
  modes: string;
  weights?: string;
  devices?: string;
  json: boolean;
}

export const runCommand: CommandModule<object, RunArguments> = {
  command: "run",
  describe: "Run a plan's decode iterations on this GPU (a tensor-parallel plan on its GPUs) and time them: planned, sequential and plain streams",
  builder: (yargs: Argv) =>
    yargs
      .option("plan", { type: "string", demandOption: true, describe: "Plan file from nanoweave plan (made for this GPU)" })
      .option("iterations", { type: "number", default: 100, describe: "Timed iterations per mode (after 10 of warm-up)" })
      .option("modes", { type: "string", default: EXECUTION_MODES.join(","), describe: `Modes to run, comma-separated: ${EXECUTION_MODES.join(", ")}` })
      .option("weights", { type: "string", describe: "Hugging Face safetensors folder (default: seeded random weights)" })
      .option("devices", { type: "string", describe: "CUDA ordinals of the plan's GPUs, comma-separated (default: 0 .. N-1 for a plan over N GPUs)" })
      .option("json", { type: "boolean", default: false, describe: "Print the report as JSON" })
      .example("$0 run --plan llama-70b-tp8-h100.plan.json", "all three modes, 100 iterations each") as unknown as Argv<RunArguments>,
  handler: async (args: ArgumentsCamelCase<RunArguments>) => {
    const modes = args.modes.split(",").map((mode) => mode.trim());
    for (const mode of modes) if (!(EXECUTION_MODES as readonly string[]).includes(mode)) throw new InputError(`unknown mode ${mode}; modes are ${EXECUTION_MODES.join(", ")}`, "--modes");
    if (!Number.isInteger(args.iterations) || args.iterations < 1) throw new InputError(`--iterations must be a positive integer, got ${args.iterations}`, "--iterations");
    const devices = args.devices?.split(",").map((ordinal) => Number(ordinal.trim()));
    if (devices?.some((ordinal) => !Number.isInteger(ordinal) || ordinal < 0)) throw new InputError(`--devices must be comma-separated GPU ordinals, got ${args.devices}`, "--devices");
    const runtime = await Runtime.create({
      ...(devices ? { devices } : {}),
      plan: args.plan,
      modes: modes as ExecutionMode[],
      weights: args.weights ? { kind: "safetensors", folder: args.weights } : { kind: "random", seed: 0 },
    });
    try {
      const report = await benchmarkModes(runtime, { iterations: args.iterations });
      process.stdout.write(`${args.json ? JSON.stringify(report, null, 2) : formatBenchmark(report)}\n`);
    } finally {
      runtime.dispose();
    }
  },
};
