/**
 * Worker thread that solves serialized models with HiGHS (WebAssembly), one message per model.
 * HiGHS's `run()` blocks its thread, so it runs here and the main thread stays free to report
 * progress and to stop it; the worker stays up so the Wasm module compiles once per search.
 */
import { parentPort } from "node:worker_threads";
import highsPackage from "highs";
import type { SerializedModel } from "./serialized-model.js";

export interface HighsWorkerInput {
  model: SerializedModel;
  timeLimitSeconds: number;
  relativeGap: number;
}

export interface HighsWorkerOutput {
  statusName: string;
  hasSolution: boolean;
  objective: number;
  bound: number;
  values: number[];
  seconds: number;
}

// The package's one .d.ts types the CommonJS shape; under ESM its default export is the loader.
const loadHighs = highsPackage as unknown as typeof highsPackage.default;
const highs = await loadHighs();
const statusNames = Object.fromEntries(Object.entries(highs.constants.modelStatus).map(([k, v]) => [v, k]));
const infinite = (x: number): number => (x === Infinity ? highs.infinity : x === -Infinity ? -highs.infinity : x);

function solve(input: HighsWorkerInput): HighsWorkerOutput {
  const started = performance.now();
  return highs.withModel((model): HighsWorkerOutput => {
    const m = input.model;
    model.passModel({
      numCols: m.numCols,
      numRows: m.numRows,
      colCost: m.colCost,
      colLower: m.colLower.map(infinite),
      colUpper: m.colUpper.map(infinite),
      rowLower: m.rowLower.map(infinite),
      rowUpper: m.rowUpper.map(infinite),
      matrix: { format: "csr", numRows: m.numRows, numCols: m.numCols, starts: m.starts, indices: m.indices, values: m.values },
      integrality: m.integrality as (0 | 1)[],
    });
    model.options.set({ time_limit: input.timeLimitSeconds, mip_rel_gap: input.relativeGap, output_flag: false });
    model.run();
    const modelStatus = model.getModelStatus();
    // primal_solution_status 2: a feasible point is available.
    const hasSolution = Number(model.info.get("primal_solution_status")) === 2;
    return {
      statusName: statusNames[modelStatus] ?? String(modelStatus),
      hasSolution,
      objective: hasSolution ? model.getObjectiveValue() : NaN,
      bound: Number(model.info.get("mip_dual_bound")),
      values: hasSolution ? Array.from(model.getSolution().colValue) : [],
      seconds: (performance.now() - started) / 1000,
    };
  });
}

parentPort?.on("message", (input: HighsWorkerInput) => parentPort?.postMessage(solve(input)));
