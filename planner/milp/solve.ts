/** One entry point for every solver backend. */
import { solveWithHighs } from "./highs-backend.js";
import { solveWithJslp } from "./jslp-backend.js";
import type { MilpModel } from "./model.js";
import type { MilpSolution, SolveOptions, SolverBackendName } from "./solution.js";

export const SOLVER_BACKENDS: readonly SolverBackendName[] = ["highs", "jslp"];

export async function solveMilp(model: MilpModel, backend: SolverBackendName, options: SolveOptions): Promise<MilpSolution> {
  return backend === "highs" ? solveWithHighs(model, options) : solveWithJslp(model, options);
}
