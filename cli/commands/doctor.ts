/**
 * `nanoweave doctor`: what this machine offers the runtime (GPUs, driver, cuBLAS, NCCL, NVRTC,
 * NVML, green contexts) and what is missing, with every place searched. Prints the report, then fails
 * (exit 1) when the runtime could not work here.
 */
import type { ArgumentsCamelCase, Argv, CommandModule } from "yargs";
import { formatSystemReport } from "../../runtime/gpu/formatSystemReport.js";
import { collectSystemReport } from "../../runtime/gpu/systemReport.js";

interface DoctorArguments {
  json: boolean;
}

export const doctorCommand: CommandModule<object, DoctorArguments> = {
  command: "doctor",
  describe: "Check the GPUs, driver, cuBLAS, NCCL, NVRTC and NVML that the runtime would use",
  builder: (yargs: Argv) => yargs.option("json", { type: "boolean", default: false, describe: "Print the report as JSON" }),
  handler: (args: ArgumentsCamelCase<DoctorArguments>) => {
    const report = collectSystemReport();
    process.stdout.write(args.json ? `${JSON.stringify(report, null, 2)}\n` : formatSystemReport(report));
    if (report.problems.length > 0) {
      const more = report.problems.length > 1 ? ` (and ${report.problems.length - 1} more problems above)` : "";
      throw new Error(`the runtime cannot use this machine: ${report.problems[0]!.split("\n")[0]}${more}`);
    }
  },
};
