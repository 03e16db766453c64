/**
 * `nanoweave profile`: measures GEMM, decode attention, the small kernels, all-reduce and their
 * interference on this machine's GPUs at every SM share a plan can use, and writes the profile the
 * planner reads (profiles/<gpu>.json). Parses the options and calls planner/profiling.
 */
import type { ArgumentsCamelCase, Argv, CommandModule } from "yargs";
import { runProfile } from "../../planner/profiling/run-profile.js";
import { PROFILE_SECTIONS } from "../../planner/profiling/sections.js";

interface ProfileArguments {
  out?: string;
  gpuConfig?: string;
  devices?: string;
  only?: string;
  quick: boolean;
  resume: boolean;
  merge: boolean;
}

export const profileCommand: CommandModule<object, ProfileArguments> = {
  command: "profile",
  describe: "Measure this GPU for the planner and write its profile (needs a GPU and the native addon)",
  builder: (yargs: Argv) =>
    yargs
      .option("out", { type: "string", describe: "Profile to write (default: profiles/<GPU config id>.json)" })
      .option("gpu-config", { type: "string", describe: "GPU config (configs/gpus) of the device, when its name does not find one" })
      .option("devices", { type: "string", describe: "GPU ordinals to use, e.g. 0,1,2,3 (default: all); the first measures single-GPU tables" })
      .option("only", { type: "string", describe: `Sections to measure, comma-separated: ${PROFILE_SECTIONS.join(", ")}, interference` })
      .option("quick", { type: "boolean", default: false, describe: "A smoke run of a minute or two on a coarse grid" })
      .option("resume", { type: "boolean", default: false, describe: "Continue an interrupted run from its checkpoint beside --out" })
      .option("merge", { type: "boolean", default: false, describe: "Add the measured tables to the existing --out profile, keeping its others" })
      .example("$0 profile", "Profile GPU 0 into profiles/<gpu>.json")
      .example("$0 profile --devices 0,1,2,3 --only allreduce,interference --merge", "Add 2- and 4-GPU all-reduce to an existing profile"),
  handler: async (args: ArgumentsCamelCase<ProfileArguments>) => {
    await runProfile({
      out: args.out,
      gpuConfig: args.gpuConfig,
      devices: args.devices,
      only: args.only,
      quick: args.quick,
      resume: args.resume,
      merge: args.merge,
      command: ["nanoweave", ...process.argv.slice(2)].join(" "),
    });
  },
};
