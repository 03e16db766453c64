/**
 * HiGHS backend: a worker thread solves one model at a time under HiGHS's own time limit, with a
 * hard stop beside it in case HiGHS overruns.
 */
import { Worker } from "node:worker_threads";
import { SolverError } from "../errors.js";
import type { MilpModel } from "./model.js";
import { serializeModel } from "./serialized-model.js";
import type { HighsWorkerInput, HighsWorkerOutput } from "./highs-worker.js";
import { relativeGap, type MilpSolution, type SolveOptions, type SolveStatus } from "./solution.js";

/** How long past its own time limit HiGHS may run before the worker is stopped. */
const HARD_STOP_GRACE_SECONDS = 10;

export class HighsSolver {
  private worker: Worker | undefined;

  async solve(model: MilpModel, options: SolveOptions): Promise<MilpSolution> {
    const input: HighsWorkerInput = { model: serializeModel(model), timeLimitSeconds: options.timeLimitSeconds, relativeGap: options.relativeGap };
    const started = performance.now();
    const output = await this.send(input, (options.timeLimitSeconds + HARD_STOP_GRACE_SECONDS) * 1000);
    const status = statusOf(output);
    const objective = output.hasSolution ? output.objective : NaN;
    // HiGHS reports an infinite dual bound for a model it proved infeasible.
    const bound = status === "optimal" && !Number.isFinite(output.bound) ? objective : output.bound;
    return {
      backend: "highs",
      status,
      objective,
      bound,
      gap: relativeGap(objective, bound),
      seconds: (performance.now() - started) / 1000,
      values: output.values,
      detail: output.statusName,
    };
  }

  async dispose(): Promise<void> {
    const worker = this.worker;
    this.worker = undefined;
    if (worker) await worker.terminate();
  }

  private send(input: HighsWorkerInput, hardStopMs: number): Promise<HighsWorkerOutput> {
    this.worker ??= new Worker(new URL("./highs-worker.js", import.meta.url));
    const worker = this.worker;
    return new Promise((resolve, reject) => {
      const cleanup = (): void => {
        clearTimeout(timer);
        worker.off("message", onMessage);
        worker.off("error", onError);
      };
      const onMessage = (output: HighsWorkerOutput): void => {
        cleanup();
        resolve(output);
      };
      const onError = (error: Error): void => {
        cleanup();
        this.worker = undefined;
        reject(new SolverError(`HiGHS worker failed: ${error.message}`));
      };
      const timer = setTimeout(() => {
        cleanup();
        void this.dispose();
        reject(new SolverError(`HiGHS did not stop within ${Math.round(hardStopMs / 1000)} s of its time limit`));
      }, hardStopMs);
      worker.on("message", onMessage);
      worker.on("error", onError);
      worker.postMessage(input);
    });
  }
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
