/** Numbers with their units, the way every report prints them. */

const grouped = (digits: number) => new Intl.NumberFormat("en-US", { minimumFractionDigits: digits, maximumFractionDigits: digits });
const INTEGER = grouped(0);
const ONE_DECIMAL = grouped(1);
const TWO_DECIMALS = grouped(2);

/** Microseconds, one decimal: layer and kernel times. */
export function formatUs(us: number): string {
  return `${ONE_DECIMAL.format(us)} µs`;
}

/** A span of microseconds with the unit once: "817.3–949.6 µs". */
export function formatUsRange(fromUs: number, toUs: number): string {
  return `${ONE_DECIMAL.format(fromUs)}–${formatUs(toUs)}`;
}

/** Microseconds as milliseconds, two decimals: iteration times. */
export function formatMs(us: number): string {
  return `${TWO_DECIMALS.format(us / 1000)} ms`;
}

export function formatSeconds(seconds: number): string {
  return `${TWO_DECIMALS.format(seconds)} s`;
}

export function formatGiB(bytes: number): string {
  return `${ONE_DECIMAL.format(bytes / 2 ** 30)} GiB`;
}

export function formatCount(n: number): string {
  return INTEGER.format(n);
}

/** A value already in percent, e.g. 56.3 -> "56.3%". */
export function formatPercent(percent: number): string {
  return `${ONE_DECIMAL.format(percent)}%`;
}

/** A ratio in percent, two decimals so small solver gaps stay visible: 0.0038 -> "0.38%". */
export function formatGap(ratio: number): string {
  return `${TWO_DECIMALS.format(ratio * 100)}%`;
}

export function formatSpeedup(ratio: number): string {
  return `${TWO_DECIMALS.format(ratio)}×`;
}

/** A [start, end) row range with an en dash, as the reports show token ranges. */
export function formatRows([start, end]: readonly [number, number]): string {
  return `${start}–${end}`;
}
