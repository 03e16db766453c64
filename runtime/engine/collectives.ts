/**
 * The all-reduces of a tensor-parallel iteration: after the O and down projections each rank holds
 * a partial sum of the layer's output rows in its residual stream (rank 0 with the residual added),
 * and after the vocabulary-parallel embedding each rank holds its vocabulary's rows only; summing the
 * residual over the ranks, in place, completes both. Two ways to sum: NCCL's kernels, or one
 * kernel of ours that reads and writes the peers' memory directly (peerAllReduce.ts); and, for
 * timing only, a stand-in that holds the SMs for the planned time and sums nothing (heldAllReduce.ts).
 */
import { ALL_REDUCE_METHODS } from "../../planner/model/all-reduce-method.js";
import type { PlanOperation } from "../../planner/plan/schema.js";
import type { NcclCommunicators, Stream } from "../gpu/index.js";
import type { RankEngine } from "./RankEngine.js";

/** What the runtime can sum with: a plan's methods, and hold, a stand-in that times without summing (heldAllReduce.ts). */
export const RUNTIME_ALL_REDUCES = [...ALL_REDUCE_METHODS, "hold"] as const;
export type RuntimeAllReduce = (typeof RUNTIME_ALL_REDUCES)[number];

/** Sums rows of every rank's residual across the ranks, in place. */
export interface ResidualAllReduce {
  /**
   * Sums rows [begin, end) of the residual, rank r's part queued on streams[r], each on `sms` SMs.
   * plannedUs: the plan's predicted time of this sum, where it is one of the plan's ops.
   */
  sumRows(streams: readonly Stream[], rows: readonly [number, number], sms: number, plannedUs?: number): void;
}

/** NCCL's ceiling for maxCTAs. */
const NCCL_MAX_CTAS = 64;

/** maxCTAs for a mode's communicators: the SM target its all-reduces were planned with (the network partition's SMs). */
export function collectiveCtas(operations: readonly PlanOperation[]): number {
  const targets = operations.filter((op) => op.kind === "all_reduce").map((op) => op.smTarget);
  return Math.min(NCCL_MAX_CTAS, targets.length > 0 ? Math.max(...targets) : NCCL_MAX_CTAS);
}

/** The sum as one NCCL group call for all ranks, each part on that rank's stream (its CTAs capped when the communicators were made). */
export class NcclAllReduce implements ResidualAllReduce {
  constructor(
    private readonly communicators: NcclCommunicators,
    private readonly engines: readonly RankEngine[],
  ) {}

  sumRows(streams: readonly Stream[], rows: readonly [number, number]): void {
    const hidden = this.engines[0]!.state.shape.hiddenSize;
    const parts = this.engines.map((engine, rank) => ({ send: engine.state.buffers.residual, receive: engine.state.buffers.residual, stream: streams[rank]!, elementOffset: rows[0] * hidden }));
    this.communicators.allReduce(parts, (rows[1] - rows[0]) * hidden);
  }
}
