/**
 * The residual's all-reduce by direct reads and writes between the GPUs (NVLink), in place of
 * NCCL's ring: each rank owns one of N equal pieces of the rows being summed. Once every rank's
 * partial sums are final, each rank's peer_sum kernel, on the SMs of the lane it is issued on (the
 * plan's network partition), reads its piece from every rank, adds them, and writes the sum into
 * every rank's residual; once every rank's kernel is done, every rank has the whole sum.
 *
 * Ranks order each other through flags in device memory, so each rank's iteration stays a CUDA
 * graph of its own (one graph across GPUs, ordered by events, ran 1.6x slower a layer on 4 H200s:
 * bench/README.md, session 19). A barrier is: every rank sets its flag at every peer (a one-thread
 * kernel, write_flag.cu), then waits for every peer's flag with a stream memory wait, which the
 * GPU's front end polls without an SM, and clears it. Each rank's flags are sent and awaited on one
 * plain stream of its primary context, its own signal first, so a wait never sits in a queue ahead
 * of the signal the peers wait for. (Peer copies by the copy engines in place of the kernel hung
 * these graphs on replay: bench/README.md, session 20.)
 *
 * Two barriers an all-reduce: "ready" (every rank's partial sums are final, so the kernels may read
 * them) and "summed" (every kernel is done, so each rank's residual holds the sum, and no peer reads
 * or writes it again before the next all-reduce's "ready"). A flag goes 0 -> 1 (set by the peer)
 * -> 0 (cleared by its waiter) once per barrier; a peer cannot set it again first, as its next
 * barrier of the same kind waits behind a barrier this rank completes only after clearing it. That
 * holds because every rank issues its all-reduces in the same order on one lane.
 */
import type { DeviceArray, GpuEvent, Stream } from "../gpu/index.js";
import { disposeInReverse, own } from "../owned.js";
import type { ResidualAllReduce } from "./collectives.js";
import type { RankEngine } from "./RankEngine.js";

/** 16-byte words: the sum kernel's unit (8 bf16). */
const ELEMENTS_PER_WORD = 8;
/** The barriers: partial sums final / sums written. */
const READY = 0;
const SUMMED = 1;
const BARRIERS = 2;

interface RankFlags {
  engine: RankEngine;
  /** A plain stream of the primary context (where peer access is enabled) that sends and awaits this rank's flags. */
  flagStream: Stream;
  /** The caller's stream reached a barrier (for flagStream). */
  reached: GpuEvent;
  /** Every peer passed the barrier (for the caller's stream). */
  passed: GpuEvent;
  /** flags[barrier * ranks + peer rank]: set to 1 by that peer. */
  flags: DeviceArray<"int32">;
}

export class PeerAllReduce implements ResidualAllReduce {
  private constructor(
    private readonly ranks: readonly RankFlags[],
    private readonly owned: { dispose(): void }[],
  ) {}

  /** Enables peer access between every pair of the engines' GPUs and makes each rank's flags. */
  static create(engines: readonly RankEngine[]): PeerAllReduce {
    const owned: { dispose(): void }[] = [];
    try {
      for (const engine of engines) for (const peer of engines) if (peer !== engine && !engine.gpu.canAddress(peer.gpu)) engine.gpu.enablePeerAccess(peer.gpu);
      const ranks = engines.map((engine) => ({
        engine,
        flagStream: own(owned, engine.gpu.createStream()),
        reached: own(owned, engine.gpu.createEvent({ timing: false })),
        passed: own(owned, engine.gpu.createEvent({ timing: false })),
        flags: own(owned, engine.gpu.upload("int32", new Int32Array(BARRIERS * engines.length))),
      }));
      return new PeerAllReduce(ranks, owned);
    } catch (error) {
      disposeInReverse(owned);
      throw error;
    }
  }

  sumRows(streams: readonly Stream[], rows: readonly [number, number], sms: number): void {
    const hidden = this.ranks[0]!.engine.state.shape.hiddenSize;
    const begin = rows[0] * hidden;
    const count = (rows[1] - rows[0]) * hidden;
    const length = Math.ceil(count / this.ranks.length / ELEMENTS_PER_WORD) * ELEMENTS_PER_WORD;
    const residuals = this.ranks.map((rank) => rank.engine.state.buffers.residual);
    this.barrier(streams, READY);
    this.ranks.forEach((rank, r) => {
      const start = Math.min(count, r * length);
      const piece = { begin: begin + start, count: Math.min(count, start + length) - start };
      if (piece.count > 0) rank.engine.state.kernels.peerSum(streams[r]!, sms, residuals, piece);
    });
    this.barrier(streams, SUMMED);
  }

  /** Later work on each rank's stream waits until every rank's stream has reached this point. */
  private barrier(streams: readonly Stream[], barrier: number): void {
    const n = this.ranks.length;
    this.ranks.forEach((rank, r) => {
      rank.reached.record(streams[r]!);
      rank.flagStream.waitFor(rank.reached);
      this.ranks.forEach((peer, p) => {
        if (p !== r) rank.engine.state.kernels.writeFlag(rank.flagStream, peer.flags, barrier * n + r, 1);
      });
      this.ranks.forEach((_, p) => {
        if (p === r) return;
        rank.flagStream.waitUntilEquals(rank.flags, barrier * n + p, 1);
        rank.flagStream.writeFlag(rank.flags, barrier * n + p, 0);
      });
      rank.passed.record(rank.flagStream);
      streams[r]!.waitFor(rank.passed);
    });
  }

  dispose(): void {
    disposeInReverse(this.owned);
  }
}
