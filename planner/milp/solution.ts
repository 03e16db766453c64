/** What every solver backend returns, whatever its own output looks like. */

export const SOLVER_BACKENDS = ["highs", "jslp"] as const;
export type SolverBackendName = (typeof SOLVER_BACKENDS)[number];

/**
 * optimal: proven optimal within the requested gap. feasible: a solution was found but the solve
 * stopped early (time limit) without proving optimality. infeasible: no solution exists.
 * no_solution: the solve stopped before finding any solution.
 */
export type SolveStatus = "optimal" | "feasible" | "infeasible" | "no_solution";

export interface SolveOptions {
  timeLimitSeconds: number;
  /** Relative optimality gap at which the search may stop, e.g. 0.001. */
  relativeGap: number;
}

export interface MilpSolution {
  backend: SolverBackendName;
  status: SolveStatus;
  /** Objective of the best solution found; NaN without one. */
  objective: number;
  /** Best proven lower bound on the objective (minimisation); NaN when unknown. */
  bound: number;
  /** (objective - bound) / objective, 0 when proven optimal; NaN when unknown. */
  gap: number;
  seconds: number;
  /** Column values by variable index; empty without a solution. */
  values: number[];
  /** The backend's own status text, for the report. */
  detail: string;
}

export function relativeGap(objective: number, bound: number): number {
  if (!Number.isFinite(objective) || !Number.isFinite(bound)) return NaN;
  if (objective === 0) return bound === 0 ? 0 : NaN;
  return Math.max(0, (objective - bound) / Math.abs(objective));
}
