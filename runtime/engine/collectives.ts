/**
 * The all-reduces of a tensor-parallel iteration: after the O and down projections each rank holds
 * a partial sum of the layer's output rows in its residual stream (rank 0 with the residual added),
 * and after the vocabulary-parallel embedding each rank holds its vocabulary's rows only; summing the
 * residual over the ranks, in place, completes both.
 */
import type { PlanOperation } from "../../planner/plan/schema.js";
import type { NcclCommunicators, Stream } from "../gpu/index.js";
import type { RankEngine } from "./RankEngine.js";

/** NCCL's ceiling for maxCTAs. */
const NCCL_MAX_CTAS = 64;

/** maxCTAs for a mode's communicators: the SM target its all-reduces were planned with (the network partition's SMs). */
export function collectiveCtas(operations: readonly PlanOperation[]): number {
  const targets = operations.filter((op) => op.kind === "all_reduce").map((op) => op.smTarget);
  return Math.min(NCCL_MAX_CTAS, targets.length > 0 ? Math.max(...targets) : NCCL_MAX_CTAS);
}

/** Sums rows [begin, end) of the residual across the ranks, rank r's part queued on streams[r]. */
export function allReduceRows(communicators: NcclCommunicators, engines: readonly RankEngine[], streams: readonly Stream[], rows: readonly [number, number]): void {
  const hidden = engines[0]!.state.shape.hiddenSize;
  const parts = engines.map((engine, rank) => ({ send: engine.state.buffers.residual, receive: engine.state.buffers.residual, stream: streams[rank]!, elementOffset: rows[0] * hidden }));
  communicators.allReduce(parts, (rows[1] - rows[0]) * hidden);
}
