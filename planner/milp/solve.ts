/** One interface over every solver backend, so the search does not care which one runs. */
import { HighsSolver } from "./highs-backend.js";
import { solveWithJslp } from "./jslp-backend.js";
import type { MilpModel } from "./model.js";
import type { MilpSolution, SolveOptions, SolverBackendName } from "./solution.js";

export interface MilpSolver {
  solve(model: MilpModel, options: SolveOptions): Promise<MilpSolution>;
  /** Frees what the backend holds (HiGHS's worker thread); idempotent. */
  dispose(): Promise<void>;
}

export function createSolver(backend: SolverBackendName): MilpSolver {
  if (backend === "highs") return new HighsSolver();
  return { solve: async (model, options) => solveWithJslp(model, options), dispose: async () => {} };
}
