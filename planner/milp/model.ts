/**
 * A small algebraic model of a mixed-integer linear program: variables with bounds and types,
 * linear constraints with lower/upper bounds, and a linear objective to minimise. The planner's
 * formulation builds one; each solver backend translates it into its own input.
 */

export type VariableType = "continuous" | "integer" | "binary";

export interface Variable {
  readonly index: number;
  readonly name: string;
  readonly type: VariableType;
  readonly lower: number;
  readonly upper: number;
}

/** A linear expression as (variable, coefficient) pairs; repeated variables are summed. */
export type LinearExpression = ReadonlyArray<readonly [Variable, number]>;

export interface Constraint {
  readonly name: string;
  /** Column index → coefficient, repeated variables already merged. */
  readonly coefficients: ReadonlyMap<number, number>;
  readonly lower: number;
  readonly upper: number;
}

export class MilpModel {
  readonly variables: Variable[] = [];
  readonly constraints: Constraint[] = [];
  private objectiveTerms = new Map<number, number>();
  private readonly names = new Set<string>();

  addVariable(name: string, type: VariableType, lower = 0, upper = Infinity): Variable {
    this.claimName(name);
    const [lo, hi] = type === "binary" ? [Math.max(0, lower), Math.min(1, upper)] : [lower, upper];
    if (lo > hi) throw new Error(`variable ${name}: lower bound ${lo} exceeds upper bound ${hi}`);
    const variable: Variable = { index: this.variables.length, name, type, lower: lo, upper: hi };
    this.variables.push(variable);
    return variable;
  }

  /** Adds `lower <= expression <= upper`. */
  addRange(name: string, expression: LinearExpression, lower: number, upper: number): Constraint {
    this.claimName(name);
    const constraint: Constraint = { name, coefficients: merge(expression), lower, upper };
    this.constraints.push(constraint);
    return constraint;
  }

  /** `expression >= rhs` */
  addAtLeast(name: string, expression: LinearExpression, rhs: number): Constraint {
    return this.addRange(name, expression, rhs, Infinity);
  }

  /** `expression <= rhs` */
  addAtMost(name: string, expression: LinearExpression, rhs: number): Constraint {
    return this.addRange(name, expression, -Infinity, rhs);
  }

  /** `expression == rhs` */
  addEqual(name: string, expression: LinearExpression, rhs: number): Constraint {
    return this.addRange(name, expression, rhs, rhs);
  }

  minimize(expression: LinearExpression): void {
    this.objectiveTerms = merge(expression);
  }

  get objective(): ReadonlyMap<number, number> {
    return this.objectiveTerms;
  }

  /** The objective's value at a point given by column values. */
  objectiveAt(values: ArrayLike<number>): number {
    let total = 0;
    for (const [index, coefficient] of this.objectiveTerms) total += coefficient * (values[index] ?? 0);
    return total;
  }

  private claimName(name: string): void {
    if (!/^[A-Za-z_][A-Za-z0-9_.]*$/.test(name)) throw new Error(`invalid model name "${name}"`);
    if (this.names.has(name)) throw new Error(`duplicate model name "${name}"`);
    this.names.add(name);
  }
}

function merge(expression: LinearExpression): Map<number, number> {
  const merged = new Map<number, number>();
  for (const [variable, coefficient] of expression) {
    if (!Number.isFinite(coefficient)) throw new Error(`non-finite coefficient on ${variable.name}`);
    const sum = (merged.get(variable.index) ?? 0) + coefficient;
    if (sum === 0) merged.delete(variable.index);
    else merged.set(variable.index, sum);
  }
  return merged;
}
