/** The MILP for K nano-batches of a small problem, solved to optimality with HiGHS, for the solver tests. */
import assert from "node:assert/strict";
import { createSolver } from "../../planner/milp/solve.js";
import { formulatePipeline } from "../../planner/schedule/formulation.js";
import { sequentialSchedule, type Schedule, type ScheduleProblem } from "../../planner/schedule/problem.js";

export const OPTIMAL_SOLVE = { timeLimitSeconds: 30, relativeGap: 1e-7 };

/** The optimal schedule of K nano-batches, with a cutoff well above any schedule so that nothing is cut off. */
export async function solveOptimally(problem: ScheduleProblem, K: number): Promise<Schedule> {
  const formulation = formulatePipeline(problem, K, 10 * sequentialSchedule(problem).periodUs)!;
  const solver = createSolver("highs");
  try {
    const solution = await solver.solve(formulation.model, OPTIMAL_SOLVE);
    assert.equal(solution.status, "optimal");
    return formulation.decode(solution.values);
  } finally {
    await solver.dispose();
  }
}
