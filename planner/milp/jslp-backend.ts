/**
 * javascript-lp-solver backend: a second, independent branch-and-bound that tests cross-check
 * HiGHS against on small instances. It runs on the calling thread and reports no dual bound, so
 * a solve that stops at its timeout is only "feasible".
 */
import jslpPackage, { type Model as JslpModel, type SolveResult } from "javascript-lp-solver";
import { SolverError } from "../errors.js";
import type { MilpModel } from "./model.js";
import type { MilpSolution, SolveOptions } from "./solution.js";

// The package's .d.ts types the CommonJS shape; under ESM its default export is the solver.
const solver = jslpPackage as unknown as typeof jslpPackage.default;
const OBJECTIVE = "__objective";
const INTEGRALITY_TOLERANCE = 1e-6;

export function solveWithJslp(model: MilpModel, options: SolveOptions): MilpSolution {
  const jslpModel = toJslp(model, options);
  const started = performance.now();
  const result = solver.Solve(jslpModel) as SolveResult;
  const seconds = (performance.now() - started) / 1000;
  const timedOut = seconds >= options.timeLimitSeconds;
  if (!result.feasible) {
    return solutionWithout(timedOut ? "no_solution" : "infeasible", seconds, timedOut ? "timeout" : "infeasible");
  }
  const values = model.variables.map((v) => {
    const value = result[v.name];
    return typeof value === "number" ? value : 0;
  });
  const fractional = model.variables.some(
    (v) => v.type !== "continuous" && Math.abs((values[v.index] ?? 0) - Math.round(values[v.index] ?? 0)) > INTEGRALITY_TOLERANCE,
  );
  // jsLPSolver can return a relaxed point with fractional integers when it stops early.
  if (fractional) return solutionWithout("no_solution", seconds, "fractional integer values");
  const objective = model.objectiveAt(values);
  return {
    backend: "jslp",
    status: timedOut ? "feasible" : "optimal",
    objective,
    bound: timedOut ? NaN : objective,
    gap: timedOut ? NaN : 0,
    seconds,
    values,
    detail: timedOut ? "timeout" : "optimal",
  };
}

function solutionWithout(status: MilpSolution["status"], seconds: number, detail: string): MilpSolution {
  return { backend: "jslp", status, objective: NaN, bound: NaN, gap: NaN, seconds, values: [], detail };
}

function toJslp(model: MilpModel, options: SolveOptions): JslpModel {
  const constraints: JslpModel["constraints"] = {};
  const variables: JslpModel["variables"] = {};
  const ints: Record<string, 1> = {};
  for (const v of model.variables) {
    if (v.lower < 0) throw new SolverError(`jslp backend needs non-negative variables; ${v.name} has lower bound ${v.lower}`);
    variables[v.name] = { [OBJECTIVE]: model.objective.get(v.index) ?? 0 };
    if (v.type !== "continuous") ints[v.name] = 1;
    // jsLPSolver has no variable bounds: state them as one-variable constraints.
    if (Number.isFinite(v.upper)) addBound(constraints, variables, `ub_${v.name}`, v.name, { max: v.upper });
    if (v.lower > 0) addBound(constraints, variables, `lb_${v.name}`, v.name, { min: v.lower });
  }
  for (const c of model.constraints) {
    const bound = c.lower === c.upper ? { equal: c.lower } : {
      ...(Number.isFinite(c.lower) ? { min: c.lower } : {}),
      ...(Number.isFinite(c.upper) ? { max: c.upper } : {}),
    };
    constraints[c.name] = bound;
    for (const [index, coefficient] of c.coefficients) {
      const name = model.variables[index]!.name;
      variables[name]![c.name] = coefficient;
    }
  }
  return {
    optimize: OBJECTIVE,
    opType: "min",
    constraints,
    variables,
    ints,
    options: { timeout: options.timeLimitSeconds * 1000, tolerance: options.relativeGap },
  };
}

function addBound(
  constraints: JslpModel["constraints"],
  variables: JslpModel["variables"],
  constraint: string,
  variable: string,
  bound: { min?: number; max?: number },
): void {
  constraints[constraint] = bound;
  variables[variable]![constraint] = 1;
}
