/**
 * The residual's all-reduce by direct reads and writes between the GPUs (NVLink), in place of
 * NCCL's ring: one launch of peer_sum.cu a rank (kernels/peerSum.ts), on the SMs of the lane it is
 * issued on (the plan's network partition). The ranks meet through flags in each other's memory,
 * inside the kernel, so each rank's iteration stays a CUDA graph of its own with no extra node. (One
 * graph across GPUs, ordered by events, ran 1.6x slower a layer on 4 H200s; copies by the copy
 * engines hung per-rank graphs on replay; flags set by kernels and awaited by stream memory waits
 * made whole iterations slower than NCCL's: bench/README.md, sessions 19 and 20.)
 *
 * Every rank must issue its all-reduces in the same order on one lane: the kernel's barriers count
 * launches. The modes share one instance, and so the flags, as their launches never overlap.
 */
import type { Stream } from "../gpu/index.js";
import { PeerSum } from "../kernels/peerSum.js";
import type { ResidualAllReduce } from "./collectives.js";
import type { RankEngine } from "./RankEngine.js";

export class PeerAllReduce implements ResidualAllReduce {
  private constructor(
    private readonly engines: readonly RankEngine[],
    private readonly peerSum: PeerSum,
  ) {}

  /** Enables peer access between every pair of the engines' GPUs and makes each rank's flags. */
  static create(engines: readonly RankEngine[]): PeerAllReduce {
    return new PeerAllReduce(engines, PeerSum.create(engines.map((engine) => ({ gpu: engine.gpu, kernels: engine.state.kernels }))));
  }

  sumRows(streams: readonly Stream[], rows: readonly [number, number], sms: number): void {
    const hidden = this.engines[0]!.state.shape.hiddenSize;
    const residuals = this.engines.map((engine) => engine.state.buffers.residual);
    this.peerSum.sum(streams, residuals, rows[0] * hidden, (rows[1] - rows[0]) * hidden, sms);
  }

  dispose(): void {
    this.peerSum.dispose();
  }
}
