/** HiGHS backend: solves in a worker thread under HiGHS's own time limit, with a hard stop beside it. */
import { Worker } from "node:worker_threads";
import { SolverError } from "../errors.js";
import type { MilpModel } from "./model.js";
import { serializeModel } from "./serialized-model.js";
import type { HighsWorkerInput, HighsWorkerOutput } from "./highs-worker.js";
import { relativeGap, type MilpSolution, type SolveOptions, type SolveStatus } from "./solution.js";

/** How long past its own time limit HiGHS may run before the worker is stopped. */
const HARD_STOP_GRACE_SECONDS = 10;

export async function solveWithHighs(model: MilpModel, options: SolveOptions): Promise<MilpSolution> {
  const input: HighsWorkerInput = {
    model: serializeModel(model),
    timeLimitSeconds: options.timeLimitSeconds,
    relativeGap: options.relativeGap,
  };
  const started = performance.now();
  const output = await runWorker(input, (options.timeLimitSeconds + HARD_STOP_GRACE_SECONDS) * 1000);
  const status = statusOf(output);
  const objective = output.hasSolution ? output.objective : NaN;
  const bound = status === "optimal" && !Number.isFinite(output.bound) ? objective : output.bound;
  return {
    backend: "highs",
    status,
    objective,
    bound,
    gap: status === "optimal" ? Math.min(relativeGap(objective, bound), options.relativeGap) : relativeGap(objective, bound),
    seconds: (performance.now() - started) / 1000,
    values: output.values,
    detail: output.statusName,
  };
}

function statusOf(output: HighsWorkerOutput): SolveStatus {
  switch (output.statusName) {
    case "optimal":
      return "optimal";
    case "infeasible":
      return "infeasible";
    case "timeLimit":
    case "iterationLimit":
    case "solutionLimit":
    case "interrupted":
      return output.hasSolution ? "feasible" : "no_solution";
    default:
      throw new SolverError(`HiGHS stopped with status "${output.statusName}"; the model may be malformed`);
  }
}

function runWorker(input: HighsWorkerInput, hardStopMs: number): Promise<HighsWorkerOutput> {
  return new Promise((resolve, reject) => {
    const worker = new Worker(new URL("./highs-worker.js", import.meta.url), { workerData: input });
    const timer = setTimeout(() => {
      void worker.terminate();
      reject(new SolverError(`HiGHS did not stop within ${Math.round(hardStopMs / 1000)} s of its time limit`));
    }, hardStopMs);
    worker.once("message", (output: HighsWorkerOutput) => {
      clearTimeout(timer);
      void worker.terminate();
      resolve(output);
    });
    worker.once("error", (error) => {
      clearTimeout(timer);
      reject(new SolverError(`HiGHS worker failed: ${error.message}`));
    });
  });
}
