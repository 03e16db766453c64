/**
 * The decode-attention table is a full requests x context grid, but its far corner (8192 requests
 * of 16k keys) reads more KV than a GPU holds. Points up to a byte limit are measured; the others
 * are scaled by KV bytes from the largest measured point at the same SM count (the kernel streams
 * its KV at a steady rate once a launch is that large), preferring one of the same context.
 */
import type { AttentionPoint } from "./measurer.js";
import type { AttentionConfig } from "./targets.js";

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
      const reference = largest(measured.filter((m) => m.point.context === c)) ?? largest(measured);
      if (!reference) throw new Error(`no measured decode-attention point to scale to ${r} requests x ${c} keys`);
      scaled++;
      const ratio = kvBytes(config, point) / kvBytes(config, reference.point);
      return reference.timeUs.map((t) => t * ratio);
    }),
  );
  return { timeUs, scaled };
}
