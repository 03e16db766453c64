/** Interpolation over the profile's measurement grids. */

/**
 * Piecewise-linear interpolation on a strictly increasing axis. Outside the axis the nearest
 * segment's line continues (times grow about linearly with work beyond the last point), but never
 * below half the nearest value, so an extrapolated time stays positive.
 */
export function interpolate1d(axis: readonly number[], values: readonly number[], x: number): number {
  if (axis.length !== values.length || axis.length === 0) throw new Error("axis and values differ in length");
  if (axis.length === 1) return values[0]!;
  const i = segmentIndex(axis, x);
  const x0 = axis[i]!;
  const x1 = axis[i + 1]!;
  const y0 = values[i]!;
  const y1 = values[i + 1]!;
  const y = y0 + ((y1 - y0) * (x - x0)) / (x1 - x0);
  const nearest = x < x0 ? y0 : x > x1 ? y1 : Math.min(y0, y1);
  return Math.max(y, nearest / 2);
}

/** Multilinear interpolation on a grid: values nested one array level per axis, in axis order. */
export function interpolateGrid(axes: readonly (readonly number[])[], values: unknown, point: readonly number[]): number {
  const [axis, ...restAxes] = axes;
  const [x, ...restPoint] = point;
  if (axis === undefined || x === undefined) return values as number;
  const rows = values as unknown[];
  const along = axis.map((_, i) => interpolateGrid(restAxes, rows[i], restPoint));
  return interpolate1d(axis, along, x);
}

/** Index i of the segment [axis[i], axis[i+1]] to use for x (the first or last one outside). */
function segmentIndex(axis: readonly number[], x: number): number {
  let lo = 0;
  let hi = axis.length - 2;
  while (lo < hi) {
    const mid = (lo + hi + 1) >> 1;
    if (axis[mid]! <= x) lo = mid;
    else hi = mid - 1;
  }
  return lo;
}
