/**
 * What the commands that run a plan (`run`, `soak`) share: the options that make a Runtime (the
 * plan, its weights, its GPUs) and the check of a mode, errors naming the flag.
 */
import type { Argv } from "yargs";
import { InputError } from "../planner/errors.js";
import { ALL_REDUCE_METHODS } from "../planner/model/all-reduce-method.js";
import { RUNTIME_ALL_REDUCES, type RuntimeAllReduce } from "../runtime/engine/collectives.js";
import { EXECUTION_MODES, type ExecutionMode } from "../runtime/plan/executionModes.js";
import type { RuntimeOptions } from "../runtime/Runtime.js";

export interface RuntimeArguments {
  plan: string;
  weights?: string;
  devices?: string;
  gemmAlgorithms?: string;
  allReduce?: string;
}

/** `timing`: the command only times iterations, so --all-reduce also offers hold, the stand-in that sums nothing. */
export function runtimeArgumentOptions(yargs: Argv, { timing }: { timing: boolean }): Argv {
  const hold = timing
    ? "; or hold, for timing only: each sum replaced by a kernel holding the same SMs for the plan's predicted time of it, nothing summed, so the ranks never wait " +
      "for one another and --devices may list fewer GPUs than the plan's (its first ranks run alone): what the plan takes where the network costs exactly its prediction"
    : "";
  return yargs
    .option("plan", { type: "string", demandOption: true, describe: "Plan file from nanoweave plan (made for this GPU)" })
    .option("weights", { type: "string", describe: "Hugging Face safetensors folder (default: seeded random weights)" })
    .option("devices", { type: "string", describe: `CUDA ordinals of the plan's GPUs, comma-separated (default: 0 .. N-1 for a plan over N GPUs${timing ? "; with --all-reduce hold, 1 to N of them" : ""})` })
    .option("gemm-algorithms", { type: "string", describe: "GEMM algorithm table measured on this GPU model and cuBLAS version: its cuBLASLt algorithms replace cuBLAS's picks where it lists the launch" })
    .option("all-reduce", {
      type: "string",
      choices: timing ? RUNTIME_ALL_REDUCES : ALL_REDUCE_METHODS,
      describe:
        "How a tensor-parallel plan's GPUs sum their partial results (default: the method the plan was made for): NCCL's kernels, or peer: nanoweave's kernel " +
        `reading and writing the other GPUs' memory directly, on the same SMs (needs NVLink or PCIe peer access)${hold}`,
    });
}

/** The Runtime options of the arguments, modes aside. */
export function runtimeOptionsOf(args: RuntimeArguments): Omit<RuntimeOptions, "modes"> {
  const devices = args.devices?.split(",").map((ordinal) => Number(ordinal.trim()));
  if (devices?.some((ordinal) => !Number.isInteger(ordinal) || ordinal < 0)) throw new InputError(`--devices must be comma-separated GPU ordinals, got ${args.devices}`, "--devices");
  return {
    ...(devices ? { devices } : {}),
    ...(args.gemmAlgorithms ? { gemmAlgorithms: args.gemmAlgorithms } : {}),
    ...(args.allReduce ? { allReduce: args.allReduce as RuntimeAllReduce } : {}),
    plan: args.plan,
    weights: args.weights ? { kind: "safetensors", folder: args.weights } : { kind: "random", seed: 0 },
  };
}

export function checkExecutionMode(mode: string, option: string): ExecutionMode {
  if (!(EXECUTION_MODES as readonly string[]).includes(mode)) throw new InputError(`unknown mode ${mode}; modes are ${EXECUTION_MODES.join(", ")}`, option);
  return mode as ExecutionMode;
}
