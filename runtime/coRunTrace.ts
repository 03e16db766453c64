/**
 * One layer of a mode traced while its ops run together: when each op started and ended on its lane,
 * beside the plan's prediction for it. It splits a miss of the prediction into ops that ran slower
 * beside each other than the profile says (durations) and time lost between them (starts, spans).
 */
import type { ModeOperations } from "./plan/executionModes.js";
import { scheduleReplay } from "./plan/replaySchedule.js";

/** An op as traced on every rank: its first kernel's start to its last kernel's end. */
export interface TracedOperation {
  id: string;
  lane: string;
  /**
   * Its start on every rank, rank 0 first, in microseconds from the iteration's first kernel on
   * rank 0, one clock for all: the rank that starts a collective last keeps the others waiting.
   */
  rankStartUs: number[];
  /** Its duration on every rank, rank 0 first: a collective lasts least on the rank that joined it last. */
  rankUs: number[];
  /** Its kernels' (mangled) names on rank 0, in capture order. */
  kernels: string[];
}

/** A layer's ops as they ran inside the iteration's CUDA graph. */
export interface LayerTrace {
  operations: TracedOperation[];
}

export interface CoRunOperation {
  id: string;
  lane: string;
  /** From the layer's first op start. */
  predictedStartUs: number;
  measuredStartUs: number;
  predictedUs: number;
  measuredUs: number;
  /** Its shortest and longest duration over the ranks (rank 0's alone on one GPU). */
  leastRankUs: number;
  mostRankUs: number;
  /** Its start (from rank 0's first op start of the layer, so another rank's may be negative) and duration on every rank, rank 0 first. */
  rankStartUs: number[];
  rankUs: number[];
  kernels: string[];
}

export interface CoRunTrace {
  layer: number;
  ranks: number;
  /** First op start to last op end of the layer. */
  predictedSpanUs: number;
  measuredSpanUs: number;
  /** Per lane, the sum of its ops' durations in the layer. */
  lanes: { lane: string; predictedBusyUs: number; measuredBusyUs: number }[];
  /**
   * The layer time the plan's issue order gives with nothing between ops (plan/replaySchedule.ts),
   * with the traced durations and with the plan's own: their difference is what the ops' own times
   * cost, and the measured layer less the first is what time between ops costs.
   */
  replayedLayerUs: number;
  replayedPredictedLayerUs: number;
  operations: CoRunOperation[];
}

export function compareTrace(layer: number, trace: LayerTrace, mode: ModeOperations): CoRunTrace {
  const traced = trace.operations;
  if (traced.length === 0) throw new Error(`No op of layer ${layer} was traced`);
  const planned = mode.operations;
  const predictedOf = new Map(planned.map((op) => [op.id, op]));
  const measuredOrigin = Math.min(...traced.map((op) => op.rankStartUs[0]!));
  const predictedOrigin = Math.min(...planned.map((op) => op.startUs));
  const operations = traced.map((op): CoRunOperation => {
    const plan = predictedOf.get(op.id);
    if (!plan) throw new Error(`Traced op ${op.id} is not in the plan`);
    return {
      id: op.id,
      lane: op.lane,
      predictedStartUs: plan.startUs - predictedOrigin,
      measuredStartUs: op.rankStartUs[0]! - measuredOrigin,
      predictedUs: plan.endUs - plan.startUs,
      measuredUs: op.rankUs[0]!,
      leastRankUs: Math.min(...op.rankUs),
      mostRankUs: Math.max(...op.rankUs),
      rankStartUs: op.rankStartUs.map((start) => start - measuredOrigin),
      rankUs: op.rankUs,
      kernels: op.kernels,
    };
  });
  const lanes = [...new Set(operations.map((op) => op.lane))].map((lane) => {
    const on = operations.filter((op) => op.lane === lane);
    return { lane, predictedBusyUs: sum(on.map((op) => op.predictedUs)), measuredBusyUs: sum(on.map((op) => op.measuredUs)) };
  });
  const rankUsOf = new Map(traced.map((op) => [op.id, op.rankUs]));
  const untraced = planned.find((op) => !rankUsOf.has(op.id));
  if (untraced) throw new Error(`Op ${untraced.id} of layer ${layer} was not traced`);
  const ranks = traced[0]!.rankUs.length;
  const replayed = scheduleReplay(mode);
  return {
    layer,
    ranks,
    predictedSpanUs: Math.max(...planned.map((op) => op.endUs)) - predictedOrigin,
    measuredSpanUs: Math.max(...traced.map((op) => op.rankStartUs[0]! + op.rankUs[0]!)) - measuredOrigin,
    lanes,
    replayedLayerUs: replayed(ranks, (op, rank) => rankUsOf.get(op.id)![rank]!),
    replayedPredictedLayerUs: replayed(1, (op) => op.endUs - op.startUs),
    operations: operations.sort((a, b) => a.measuredStartUs - b.measuredStartUs),
  };
}

function sum(values: readonly number[]): number {
  return values.reduce((total, value) => total + value, 0);
}
