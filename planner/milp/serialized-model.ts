/**
 * A MilpModel flattened into plain arrays (row-compressed matrix), the form that crosses into the
 * solver worker thread and that HiGHS takes directly.
 */
import type { MilpModel } from "./model.js";

export interface SerializedModel {
  numCols: number;
  numRows: number;
  colCost: number[];
  colLower: number[];
  colUpper: number[];
  /** 0 continuous, 1 integer (binaries are integers bounded by [0, 1]). */
  integrality: number[];
  rowLower: number[];
  rowUpper: number[];
  starts: number[];
  indices: number[];
  values: number[];
}

export function serializeModel(model: MilpModel): SerializedModel {
  const colCost = model.variables.map((v) => model.objective.get(v.index) ?? 0);
  const starts = [0];
  const indices: number[] = [];
  const values: number[] = [];
  for (const constraint of model.constraints) {
    for (const [index, coefficient] of [...constraint.coefficients].sort((a, b) => a[0] - b[0])) {
      indices.push(index);
      values.push(coefficient);
    }
    starts.push(indices.length);
  }
  return {
    numCols: model.variables.length,
    numRows: model.constraints.length,
    colCost,
    colLower: model.variables.map((v) => v.lower),
    colUpper: model.variables.map((v) => v.upper),
    integrality: model.variables.map((v) => (v.type === "continuous" ? 0 : 1)),
    rowLower: model.constraints.map((c) => c.lower),
    rowUpper: model.constraints.map((c) => c.upper),
    starts,
    indices,
    values,
  };
}
