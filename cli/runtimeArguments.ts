/**
 * What the commands that run a plan (`run`, `soak`) share: the options that make a Runtime (the
 * plan, its weights, its GPUs) and the check of a mode, errors naming the flag.
 */
import type { Argv } from "yargs";
import { InputError } from "../planner/errors.js";
import { ALL_REDUCE_METHODS, type AllReduceMethod } from "../planner/model/all-reduce-method.js";
import { EXECUTION_MODES, type ExecutionMode } from "../runtime/plan/executionModes.js";
import type { RuntimeOptions } from "../runtime/Runtime.js";

export interface RuntimeArguments {
  plan: string;
  weights?: string;
  devices?: string;
  gemmAlgorithms?: string;
  allReduce?: string;
}

export function runtimeArgumentOptions(yargs: Argv): Argv {
  return yargs
    .option("plan", { type: "string", demandOption: true, describe: "Plan file from nanoweave plan (made for this GPU)" })
    .option("weights", { type: "string", describe: "Hugging Face safetensors folder (default: seeded random weights)" })
    .option("devices", { type: "string", describe: "CUDA ordinals of the plan's GPUs, comma-separated (default: 0 .. N-1 for a plan over N GPUs)" })
    .option("gemm-algorithms", { type: "string", describe: "GEMM algorithm table measured on this GPU model and cuBLAS version: its cuBLASLt algorithms replace cuBLAS's picks where it lists the launch" })
    .option("all-reduce", {
      type: "string",
      choices: ALL_REDUCE_METHODS,
      describe:
        "How a tensor-parallel plan's GPUs sum their partial results (default: the method the plan was made for): NCCL's kernels, or peer: nanoweave's kernel " +
        "reading and writing the other GPUs' memory directly, on the same SMs (needs NVLink or PCIe peer access)",
    });
}

/** The Runtime options of the arguments, modes aside. */
export function runtimeOptionsOf(args: RuntimeArguments): Omit<RuntimeOptions, "modes"> {
  const devices = args.devices?.split(",").map((ordinal) => Number(ordinal.trim()));
  if (devices?.some((ordinal) => !Number.isInteger(ordinal) || ordinal < 0)) throw new InputError(`--devices must be comma-separated GPU ordinals, got ${args.devices}`, "--devices");
  return {
    ...(devices ? { devices } : {}),
    ...(args.gemmAlgorithms ? { gemmAlgorithms: args.gemmAlgorithms } : {}),
    ...(args.allReduce ? { allReduce: args.allReduce as AllReduceMethod } : {}),
    plan: args.plan,
    weights: args.weights ? { kind: "safetensors", folder: args.weights } : { kind: "random", seed: 0 },
  };
}

export function checkExecutionMode(mode: string, option: string): ExecutionMode {
  if (!(EXECUTION_MODES as readonly string[]).includes(mode)) throw new InputError(`unknown mode ${mode}; modes are ${EXECUTION_MODES.join(", ")}`, option);
  return mode as ExecutionMode;
}
