/**
 * The residual's all-reduce by direct reads and writes between the GPUs (NVLink), in place of
 * NCCL's ring: each rank owns one of N equal pieces of the rows being summed, and one launch of
 * peer_sum.cu a rank, on the SMs of the lane it is issued on (the plan's network partition), meets
 * the other ranks, reads its piece from every rank, adds them, writes the sum into every rank's
 * residual and meets them again. The ranks meet through flags in each other's memory, inside the
 * kernel, so each rank's iteration stays a CUDA graph of its own with no extra node. (One graph
 * across GPUs, ordered by events, ran 1.6x slower a layer on 4 H200s; copies by the copy engines
 * hung per-rank graphs on replay; flags set by kernels and awaited by stream memory waits made
 * whole iterations slower than NCCL's: bench/README.md, sessions 19 and 20.)
 *
 * Every rank must issue its all-reduces in the same order on one lane: the kernel's barriers count
 * launches. The modes share one instance, and so the flags, as their launches never overlap.
 */
import type { DeviceArray, Stream } from "../gpu/index.js";
import { PEER_SUM_FLAG_WORDS } from "../kernels/modelKernels.js";
import { disposeInReverse, own } from "../owned.js";
import type { ResidualAllReduce } from "./collectives.js";
import type { RankEngine } from "./RankEngine.js";

/** 16-byte words: the sum kernel's unit (8 bf16). */
const ELEMENTS_PER_WORD = 8;

export class PeerAllReduce implements ResidualAllReduce {
  private constructor(
    private readonly engines: readonly RankEngine[],
    /** Each rank's barrier flags, on its GPU, zero at first (peer_sum.cu's layout). */
    private readonly flags: readonly DeviceArray<"int32">[],
    private readonly owned: { dispose(): void }[],
  ) {}

  /** Enables peer access between every pair of the engines' GPUs and makes each rank's flags. */
  static create(engines: readonly RankEngine[]): PeerAllReduce {
    const owned: { dispose(): void }[] = [];
    try {
      for (const engine of engines) for (const peer of engines) if (peer !== engine && !engine.gpu.canAddress(peer.gpu)) engine.gpu.enablePeerAccess(peer.gpu);
      const flags = engines.map((engine) => own(owned, engine.gpu.upload("int32", new Int32Array(PEER_SUM_FLAG_WORDS))));
      return new PeerAllReduce(engines, flags, owned);
    } catch (error) {
      disposeInReverse(owned);
      throw error;
    }
  }

  sumRows(streams: readonly Stream[], rows: readonly [number, number], sms: number): void {
    const hidden = this.engines[0]!.state.shape.hiddenSize;
    const begin = rows[0] * hidden;
    const count = (rows[1] - rows[0]) * hidden;
    const length = Math.ceil(count / this.engines.length / ELEMENTS_PER_WORD) * ELEMENTS_PER_WORD;
    const residuals = this.engines.map((engine) => engine.state.buffers.residual);
    this.engines.forEach((engine, rank) => {
      // Every rank launches, an empty piece too: the barriers need all of them.
      const start = Math.min(count, rank * length);
      engine.state.kernels.peerSum(streams[rank]!, sms, { residuals, flags: this.flags, rank, begin: begin + start, count: Math.min(count, start + length) - start });
    });
  }

  dispose(): void {
    disposeInReverse(this.owned);
  }
}
