/**
 * Facts about a plan that more than one report states (text summary, JSON summary, Gantt chart),
 * derived in one place so they read the same everywhere.
 */
import { STREAMS, type Plan, type StreamName } from "../plan/schema.js";

/** The layout id the plan gives an op that runs alone on the whole GPU. */

/** What the caller knows beyond the plan itself. */
export interface ReportContext {
  /** The model name or alias the user asked for, when it differs from the resolved name. */
  requestedModel?: string;
  /** Where the plan file was written. */
  planFile?: string;
}

/** "Llama-2-70B", or "Llama-2-70B (asked for llama-70b)" when an alias was resolved. */
export function describeModel(plan: Plan, requestedModel?: string): string {
  return requestedModel && requestedModel !== plan.model.name ? `${plan.model.name} (asked for ${requestedModel})` : plan.model.name;
}

export function describeProfile(profile: Plan["profile"]): string {
  if (profile.path === null) return `${profile.source}, derived from specs`;
  return `${profile.source}, ${profile.path}`;
}

/** Tokens in each nano-batch, in token order. */
export function nanoBatchSizes(plan: Plan): number[] {
  return plan.nanoBatches.map((nb) => nb.rows[1] - nb.rows[0]);
}

/** SMs per stream of one layout, in stream order. */
export function layoutSms(layout: Plan["layouts"][number]): Partial<Record<StreamName, number>> {
  const sms: Partial<Record<StreamName, number>> = {};
  for (const stream of STREAMS) {
    const total = layout.partitions.filter((p) => p.stream === stream).reduce((sum, p) => sum + p.sms, 0);
    if (total > 0) sms[stream] = total;
  }
  return sms;
}

/** "compute 92 | memory 24 | network 16" */
export function describeLayout(layout: Plan["layouts"][number]): string {
  return Object.entries(layoutSms(layout))
    .map(([stream, sms]) => `${stream} ${sms}`)
    .join(" | ");
}

/** Streams that run at least one op, in stream order. */
export function streamsInUse(plan: Plan): StreamName[] {
  return STREAMS.filter((stream) => plan.operations.some((op) => op.stream === stream));
}
