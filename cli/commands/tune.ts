/**
 * `nanoweave tune`: measures, on this GPU, the fastest cuBLASLt algorithm for each GEMM launch of a
 * plan where it runs (beside attention on a split's compute partition, or alone), and writes the
 * GEMM algorithm table that `nanoweave run --gemm-algorithms` and Runtime.create take.
 */
import type { ArgumentsCamelCase, Argv, CommandModule } from "yargs";
import { resolveGpu } from "../../planner/config/gpu.js";
import { writeFileAtomic } from "../../planner/atomic-write.js";
import { InputError } from "../../planner/errors.js";
import { assertWritable, readPlanFile } from "../../planner/plan/plan-file.js";
import { GpuContext } from "../../planner/profiling/gpu/gpu-context.js";
import { gpuDifferences, PlanMismatchError } from "../../runtime/plan/planCompatibility.js";
import { planGemmLaunches } from "../../runtime/tuning/gemmLaunches.js";
import { describeAlgorithm, describeLaunch, gemmAlgorithmTable, tuneGemmAlgorithms, type LaunchTuning } from "../../runtime/tuning/tuneGemmAlgorithms.js";
import { inSituModes, selectInSitu, type InSituChoice } from "../../runtime/tuning/inSituSelection.js";
import { gemmKey, gemmMachine } from "../../runtime/gemmAlgorithmTable.js";
import { ranksOf } from "../../runtime/model/modelShape.js";
import { Runtime } from "../../runtime/Runtime.js";
import { formatColumns } from "../../planner/report/text-table.js";
import { checkGpuOrdinal, checkPositiveInteger } from "../argumentChecks.js";

interface TuneArguments {
  plan: string;
  out?: string;
  finalists: number;
  inSitu: boolean;
  device: number;
}

/** Window winners tried in the plan's iterations per launch, rounds, and timed iterations per round. */
const IN_SITU = { options: 3, rounds: 3, iterations: 10 };

export const tuneCommand: CommandModule<object, TuneArguments> = {
  command: "tune",
  describe: "Measure the fastest cuBLASLt algorithm for each of a plan's GEMMs where it runs on this GPU, and write the GEMM algorithm table `run --gemm-algorithms` takes (a few minutes for a Llama-2-70B shard plan)",
  builder: (yargs: Argv) =>
    yargs
      .option("plan", { type: "string", demandOption: true, describe: "Plan file from nanoweave plan (made for this GPU model)" })
      .option("out", { type: "string", describe: "Table to write (default: the plan's path with .gemm-algorithms.json for .plan.json or .json)" })
      .option("finalists", { type: "number", default: 6, describe: "Fastest screened candidates timed in full per GEMM, besides cuBLAS's own pick" })
      .option("in-situ", {
        type: "boolean",
        default: true,
        describe: `Choose among the ${IN_SITU.options} best by the plan's own iteration time (on its GPUs), not by the co-run windows alone; --no-in-situ skips it`,
      })
      .option("device", { type: "number", default: 0, describe: "CUDA ordinal of the GPU to measure on (a tensor-parallel plan's in-situ runs use its GPUs from 0)" })
      .example("$0 tune --plan llama-70b-tp8-h100.plan.json", "writes llama-70b-tp8-h100.gemm-algorithms.json, for run --gemm-algorithms") as unknown as Argv<TuneArguments>,
  handler: async (args: ArgumentsCamelCase<TuneArguments>) => {
    checkPositiveInteger(args.finalists, "--finalists");
    checkGpuOrdinal(args.device, "--device");
    const plan = await readPlanFile(args.plan);
    const launches = planGemmLaunches(plan);
    if (launches.length === 0) throw new InputError(`${args.plan} launches no layer GEMMs: there is nothing to tune`, "--plan");
    const out = args.out ?? defaultTablePath(args.plan);
    await assertWritable(out, "--out");
    const gpuSpec = await resolveGpu(plan.gpu.id);
    const log = (message: string) => process.stderr.write(`${message}\n`);
    const ctx = GpuContext.open(args.device, gpuSpec.partition);
    let tunings: LaunchTuning[];
    let machine: { gpu: string; cublas: string };
    try {
      const differences = gpuDifferences(plan, ctx.gpu.info);
      if (differences.length > 0) throw new PlanMismatchError(args.plan, differences);
      machine = gemmMachine(ctx.gpu);
      log(`tuning ${launches.length} GEMM launches of ${args.plan} on GPU ${args.device} (${ctx.gpu.info.name}):`);
      for (const launch of launches) log(`  ${describeLaunch(launch)}`);
      tunings = await tuneGemmAlgorithms(ctx, plan, args.plan, { finalists: args.finalists, onProgress: log });
    } finally {
      ctx.dispose();
    }
    let inSitu: Map<string, InSituChoice> | undefined;
    if (args.inSitu && tunings.some((tuning) => tuning.chosen)) {
      const modes = inSituModes(tunings);
      log(`choosing in the plan's own iterations (${modes.join(" and ")} mode, random weights)...`);
      const runtime = await Runtime.create({ plan: args.plan, modes, ...(ranksOf(plan) === 1 ? { devices: [args.device] } : {}) });
      try {
        inSitu = selectInSitu(runtime, tunings, { ...IN_SITU, onProgress: log });
      } finally {
        runtime.dispose();
      }
    }
    const table = gemmAlgorithmTable(tunings, machine, ["nanoweave", ...process.argv.slice(2)].join(" "));
    await writeFileAtomic(out, `${JSON.stringify(table, null, 2)}\n`);
    process.stdout.write(`${formatTuning(tunings, inSitu)}\n\nwrote ${out}: ${table.entries.length} of ${tunings.length} launches use a chosen algorithm\n` +
      `use it with: nanoweave run --plan ${args.plan} --gemm-algorithms ${out}\n`);
  },
};

/** plan.json -> plan.gemm-algorithms.json; x.plan.json -> x.gemm-algorithms.json. */
export function defaultTablePath(planPath: string): string {
  return `${planPath.replace(/(\.plan)?\.json$/i, "")}.gemm-algorithms.json`;
}

function formatTuning(tunings: readonly LaunchTuning[], inSitu: ReadonlyMap<string, InSituChoice> | undefined): string {
  const rows = tunings.map(({ launch, candidates, wrongProducts, defaultUs, finalists, chosen }) => {
    const situ = inSitu?.get(gemmKey(launch));
    return [
      launch.kind,
      `${launch.n}x${launch.k}`,
      String(launch.rows),
      String(launch.sms),
      launch.beside,
      `${candidates}${wrongProducts > 0 ? ` (${wrongProducts} wrong)` : ""}`,
      defaultUs.toFixed(1),
      finalists[0]!.us.toFixed(1),
      situ ? `${situ.mode} ${(situ.pickIterationUs / 1000).toFixed(3)} -> ${(situ.chosenIterationUs / 1000).toFixed(3)} ms` : "",
      chosen ? `${describeAlgorithm(chosen)}, ${(defaultUs / chosen.us).toFixed(3)}x in windows` : "cuBLAS's pick",
    ];
  });
  const header = ["GEMM", "n x k", "rows", "SMs", "beside", "candidates", "cuBLAS's pick us", "best us", "in situ iteration", "chosen"];
  return formatColumns([header, ...rows], ["left", "left", "right", "right", "left", "right", "right", "right", "left", "left"]).join("\n");
}
