import { test } from "node:test";
import assert from "node:assert/strict";
import { formulatePipeline } from "../../planner/schedule/formulation.js";
import { sequentialSchedule, type ScheduleProblem } from "../../planner/schedule/problem.js";
import { createSolver } from "../../planner/milp/solve.js";
import { exhaustiveBestPeriod } from "../support/exhaustive-schedule.js";
import { tinyProblem, tinyProblemWithStretch } from "../support/tiny-problems.js";
import { OPTIMAL_SOLVE, solveOptimally } from "../support/solve-schedule.js";

/** Solves the MILP for K nano-batches with HiGHS and checks its optimum against the exhaustive search's. */
async function assertMilpMatchesExhaustive(problem: ScheduleProblem, K: number): Promise<void> {
  const expected = exhaustiveBestPeriod(problem, K);
  const schedule = await solveOptimally(problem, K);
  assert.ok(Math.abs(schedule.periodUs - expected) <= 1e-6 * expected, `MILP ${schedule.periodUs} vs exhaustive ${expected}`);
}

for (const seed of [1, 2, 3, 4, 5]) {
  for (const K of [2, 3]) {
    test(`MILP optimum equals exhaustive search: seed ${seed}, ${K} nano-batches`, () => assertMilpMatchesExhaustive(tinyProblem(seed, 6), K));
  }
}

for (const seed of [1, 2, 3, 4]) {
  // Large enough against the tiny durations to change which ops go to the whole GPU.
  test(`with lane switches priced, the MILP optimum still equals exhaustive search: seed ${seed}`, () =>
    assertMilpMatchesExhaustive({ ...tinyProblem(seed, 6), laneSwitch: { crossLaneUs: 3, wholeGpuUs: 9 } }, 2));
}

for (const seed of [1, 2, 3, 4]) {
  for (const K of [2, 3]) {
    test(`with the memory op stretched by the compute ops in the split with it, the MILP optimum still equals exhaustive search: seed ${seed}, ${K} nano-batches`, () =>
      assertMilpMatchesExhaustive(tinyProblemWithStretch(seed, 6), K));
  }
}

test("stretching the memory op by the compute ops in the split never shortens the best period, and lengthens it for most seeds", () => {
  const lengthened = [1, 2, 3, 4].filter((seed) => {
    const free = exhaustiveBestPeriod(tinyProblem(seed, 6), 2);
    const stretched = exhaustiveBestPeriod(tinyProblemWithStretch(seed, 6), 2);
    assert.ok(stretched >= free, `seed ${seed}: ${stretched} stretched, ${free} free`);
    return stretched > free + 1;
  });
  assert.ok(lengthened.length >= 2, `only seeds ${lengthened.join(", ")} changed`);
});

test("priced lane switches never shorten the best period, and lengthen it where the schedule crosses lanes", () => {
  const lengthened = [1, 2, 3, 4].filter((seed) => {
    const free = exhaustiveBestPeriod(tinyProblem(seed, 6), 2);
    const priced = exhaustiveBestPeriod({ ...tinyProblem(seed, 6), laneSwitch: { crossLaneUs: 3, wholeGpuUs: 9 } }, 2);
    assert.ok(priced >= free, `seed ${seed}: ${priced} priced, ${free} free`);
    return priced > free + 1;
  });
  assert.ok(lengthened.length >= 2, `only seeds ${lengthened.join(", ")} changed`);
});

test("HiGHS and javascript-lp-solver agree on the optimum", async () => {
  for (const seed of [11, 12, 13]) {
    const problem = tinyProblem(seed, 4);
    const cutoff = 10 * sequentialSchedule(problem).periodUs;
    const formulation = formulatePipeline(problem, 2, cutoff)!;
    const highs = createSolver("highs");
    const jslp = createSolver("jslp");
    try {
      const a = await highs.solve(formulation.model, OPTIMAL_SOLVE);
      const b = await jslp.solve(formulation.model, OPTIMAL_SOLVE);
      assert.equal(a.status, "optimal");
      assert.equal(b.status, "optimal", `jslp: ${b.detail}`);
      assert.ok(Math.abs(a.objective - b.objective) <= 1e-6 * a.objective, `seed ${seed}: HiGHS ${a.objective} vs jslp ${b.objective}`);
    } finally {
      await highs.dispose();
      await jslp.dispose();
    }
  }
});

test("a cutoff below the optimum makes the MILP infeasible", async () => {
  const problem = tinyProblem(7, 4);
  const best = exhaustiveBestPeriod(problem, 2);
  const formulation = formulatePipeline(problem, 2, best * 0.98)!;
  const solver = createSolver("highs");
  try {
    const solution = await solver.solve(formulation.model, OPTIMAL_SOLVE);
    assert.equal(solution.status, "infeasible");
  } finally {
    await solver.dispose();
  }
});
