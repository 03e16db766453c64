/**
 * Keeps a table's points cool. The tables are the cool baseline that the sustained-load factors
 * scale, but heavy points measured back to back run at the power limiter's lowered clocks (on an
 * H200, GEMMs on all SMs up to 1.12x a cool measurement of the same point, 1.21x in a table made in
 * one long run: bench/results/2026-11-21-session23-sustained-load/). So a point during which the
 * limiter held the clocks down is measured again after a cool-down, a bounded number of times.
 */

/** Measurements of a point after its first, at most. */
export const COOL_REMEASURES = 2;

export interface LimiterPacing {
  /** How long the limiter has held the clocks down so far (ns), or undefined where that cannot be read. */
  heldNs(): number | undefined;
  /** Lets the limiter go: light work that keeps the clocks up. */
  coolDown(): void;
}

/** `measure()`, measured again after a cool-down while the limiter held the clocks during it; the last measurement. */
export function measureCool(pacing: LimiterPacing, measure: () => number): { value: number; remeasured: number } {
  for (let remeasured = 0; ; remeasured++) {
    const before = pacing.heldNs();
    const value = measure();
    if (before === undefined || pacing.heldNs() === before || remeasured === COOL_REMEASURES) return { value, remeasured };
    pacing.coolDown();
  }
}
