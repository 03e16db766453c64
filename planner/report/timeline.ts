/**
 * A plan's operations as a person reads a timeline: consecutive kernels of one group and nano-batch
 * on a stream become one box, and a box is placed in the steady-state period where it runs there
 * (its start modulo the period), split in two where it runs past the period's end.
 */
import { WHOLE_LAYOUT, type Plan, type PlanOperation, type StreamName } from "../plan/schema.js";

export interface TimelineBox {
  stream: StreamName;
  group: string;
  nanoBatch: number;
  rows: [number, number];
  sms: number;
  smTarget: number;
  layout: string;
  wholeGpu: boolean;
  /** From the start of layer 0, as the plan states. */
  startUs: number;
  endUs: number;
  /** The plan's operations inside the box, in time order. */
  kernels: PlanOperation[];
}

/** One piece of a box inside the period [0, period). */
export interface PeriodPiece {
  fromUs: number;
  toUs: number;
  /** Where the piece starts within the box, from the box's start. */
  offsetUs: number;
}

export function timelineBoxes(plan: Plan): TimelineBox[] {
  const byTime = [...plan.operations].sort((a, b) => a.startUs - b.startUs);
  const boxes: TimelineBox[] = [];
  const lastOnStream = new Map<StreamName, TimelineBox>();
  for (const op of byTime) {
    const last = lastOnStream.get(op.stream);
    if (last && last.group === op.group && last.nanoBatch === op.nanoBatch && last.layout === op.layout) {
      last.kernels.push(op);
      last.endUs = Math.max(last.endUs, op.endUs);
      continue;
    }
    const box: TimelineBox = {
      stream: op.stream,
      group: op.group,
      nanoBatch: op.nanoBatch,
      rows: op.rows,
      sms: op.sms,
      smTarget: op.smTarget,
      layout: op.layout,
      wholeGpu: op.layout === WHOLE_LAYOUT,
      startUs: op.startUs,
      endUs: op.endUs,
      kernels: [op],
    };
    boxes.push(box);
    lastOnStream.set(op.stream, box);
  }
  return boxes;
}

/**
 * The pieces of [startUs, endUs) folded into [0, periodUs): one, or two when it crosses the
 * period's end. Slivers left by rounding (an op ending exactly at the period) are dropped.
 */
export function foldIntoPeriod(startUs: number, endUs: number, periodUs: number): PeriodPiece[] {
  const epsilon = periodUs * 1e-6;
  let from = ((startUs % periodUs) + periodUs) % periodUs;
  if (periodUs - from < epsilon) from = 0;
  const pieces: PeriodPiece[] = [];
  let offset = 0;
  while (endUs - startUs - offset > epsilon) {
    const length = Math.min(endUs - startUs - offset, periodUs - from);
    pieces.push({ fromUs: from, toUs: from + length, offsetUs: offset });
    offset += length;
    from = 0;
  }
  return pieces;
}
