/**
 * The decode-attention table is a full requests x context grid, but its far corner (8192 requests
 * of 16k keys) reads more KV than a GPU holds. Points up to a byte limit are measured; the others
 * are scaled by KV bytes from a measured point, at each SM count: of the same requests at the
 * longest context measured and the same context at the most requests measured (or the largest
 * launch measured, where none has that context), whichever streams faster there. A launch's fixed
 * time, and each request's, weigh less the more requests and keys it has, so neither streams faster
 * than the point itself, and the faster is the closer. Scaled from the same context alone,
 * whole-GPU launches of 2048 requests at 2048-4096 keys were predicted 3-10% slow on an H100 and an
 * H200 (from launches of 256 or 1024 requests); this way, within 2.3%
 * (bench/results/2026-11-22-session34-fresh-profile/).
 */
import type { AttentionPoint } from "./measurer.js";
import type { AttentionConfig } from "./targets.js";

/** The profile's note on the points fillAttentionGrid scaled: how many, and by the rule above. */
export function scaledPointsNote(scaled: number): string {
  return `decode attention: ${scaled} grid points beyond the measured KV size were scaled by KV bytes from a measured point at the same SM count: of the same requests' longest and the same context's widest launch, whichever streams faster there`;
}

/** K and V bytes one launch reads (bf16). */
export function kvBytes(config: AttentionConfig, point: AttentionPoint): number {
  return point.requests * point.context * config.kvHeads * config.headDim * 2 * 2;
}

/** The grid points to measure: those within maxBytes, and at least the smallest one. */
export function pointsToMeasure(config: AttentionConfig, requests: readonly number[], context: readonly number[], maxBytes: number): AttentionPoint[] {
  const all = requests.flatMap((r) => context.map((c) => ({ requests: r, context: c })));
  const within = all.filter((point) => kvBytes(config, point) <= maxBytes);
  return within.length > 0 ? within : [all.reduce((a, b) => (kvBytes(config, b) < kvBytes(config, a) ? b : a))];
}

/** timeUs[requests][context][sms] from the measured points' times (one per SM count), scaling the rest. */
export function fillAttentionGrid(
  config: AttentionConfig,
  requests: readonly number[],
  context: readonly number[],
  measured: ReadonlyArray<{ point: AttentionPoint; timeUs: readonly number[] }>,
): { timeUs: number[][][]; scaled: number } {
  const key = (p: AttentionPoint): string => `${p.requests}/${p.context}`;
  const byPoint = new Map(measured.map((m) => [key(m.point), m]));
  const largest = (candidates: typeof measured) =>
    candidates.reduce<(typeof measured)[number] | undefined>((a, b) => (!a || kvBytes(config, b.point) > kvBytes(config, a.point) ? b : a), undefined);
  let scaled = 0;
  const timeUs = requests.map((r) =>
    context.map((c) => {
      const point = { requests: r, context: c };
      const exact = byPoint.get(key(point));
      if (exact) return [...exact.timeUs];
      const sameRequests = largest(measured.filter((m) => m.point.requests === r));
      // With no launch of its context measured, the largest launch stands in (as it did alone before).
      const sameContext = largest(measured.filter((m) => m.point.context === c)) ?? largest(measured);
      const candidates = [sameRequests, sameContext].filter((m) => m !== undefined);
      if (candidates.length === 0) throw new Error(`no measured decode-attention point to scale to ${r} requests x ${c} keys`);
      scaled++;
      // At each SM count, the time at the faster candidate's rate (microseconds per byte, least).
      const bytes = kvBytes(config, point);
      return candidates[0]!.timeUs.map((_, s) => Math.min(...candidates.map((m) => (m.timeUs[s]! * bytes) / kvBytes(config, m.point))));
    }),
  );
  return { timeUs, scaled };
}
