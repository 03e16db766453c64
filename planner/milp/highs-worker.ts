/**
 * Worker thread that solves one serialized model with HiGHS (WebAssembly). HiGHS's `run()` blocks
 * its thread, so it runs here and the main thread stays free to report progress and to stop it.
 */
import { parentPort, workerData } from "node:worker_threads";
import highsPackage from "highs";
import type { SerializedModel } from "./serialized-model.js";

export interface HighsWorkerInput {
  model: SerializedModel;
  timeLimitSeconds: number;
  relativeGap: number;
}

export interface HighsWorkerOutput {
  modelStatus: number;
  statusName: string;
  hasSolution: boolean;
  objective: number;
  bound: number;
  values: number[];
  seconds: number;
}

// The package's one .d.ts types the CommonJS shape; under ESM its default export is the loader.
const loadHighs = highsPackage as unknown as typeof highsPackage.default;
const input = workerData as HighsWorkerInput;
const highs = await loadHighs();
const statusNames = Object.fromEntries(Object.entries(highs.constants.modelStatus).map(([k, v]) => [v, k]));
const started = performance.now();
const output = highs.withModel((model): HighsWorkerOutput => {
  const m = input.model;
  model.passModel({
    numCols: m.numCols,
    numRows: m.numRows,
    colCost: m.colCost,
    colLower: m.colLower.map((x) => (x === -Infinity ? -highs.infinity : x)),
    colUpper: m.colUpper.map((x) => (x === Infinity ? highs.infinity : x)),
    rowLower: m.rowLower.map((x) => (x === -Infinity ? -highs.infinity : x)),
    rowUpper: m.rowUpper.map((x) => (x === Infinity ? highs.infinity : x)),
    matrix: { format: "csr", numRows: m.numRows, numCols: m.numCols, starts: m.starts, indices: m.indices, values: m.values },
    integrality: m.integrality as (0 | 1)[],
  });
  model.options.set({ time_limit: input.timeLimitSeconds, mip_rel_gap: input.relativeGap, output_flag: false });
  model.run();
  const modelStatus = model.getModelStatus();
  // primal_solution_status 2 = feasible point available.
  const hasSolution = Number(model.info.get("primal_solution_status")) === 2;
  return {
    modelStatus,
    statusName: statusNames[modelStatus] ?? String(modelStatus),
    hasSolution,
    objective: hasSolution ? model.getObjectiveValue() : NaN,
    bound: Number(model.info.get("mip_dual_bound")),
    values: hasSolution ? Array.from(model.getSolution().colValue) : [],
    seconds: (performance.now() - started) / 1000,
  };
});
parentPort?.postMessage(output);
