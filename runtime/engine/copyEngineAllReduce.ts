/**
 * The residual's all-reduce done by the GPUs' copy engines, so it takes no SM from the work beside
 * it: each rank owns one of N equal pieces of the rows being summed. The copy engines pull every
 * other rank's partial sum of a rank's own piece into a staging buffer (one stream per peer, so the
 * pulls run at once), one small kernel adds them to the rank's own partial sum, then each rank pulls
 * the other ranks' finished pieces into place. Ranks signal each other through flags in device
 * memory, set in a peer's memory by a one-thread kernel (write_flag.cu) and awaited by the GPU's
 * front end (a stream memory wait, which holds no SM), so
 * each rank's iteration stays a graph of its own: a graph spanning the GPUs, ordered by events,
 * measured 1.6x slower a layer on 4 H200s. A last exchange of flags keeps a rank from overwriting a
 * piece a peer may still be reading. Needs peer access between every pair of GPUs (NVLink here).
 *
 * Every flag is written and awaited from plain streams of the primary context: peer access is
 * enabled there, not in the green contexts of a plan's partitions, whose streams only meet these
 * through events on their own GPU.
 *
 * A flag goes 0 -> 1 (set by the peer) -> 0 (reset by its waiter), once per all-reduce. A peer
 * cannot set it again before the reset: its next all-reduce waits for this rank's last flag of
 * this one, which this rank sets after every reset.
 */
import type { DeviceArray, GpuEvent, Stream } from "../gpu/index.js";
import { disposeInReverse, own } from "../owned.js";
import type { ResidualAllReduce } from "./collectives.js";
import type { RankEngine } from "./RankEngine.js";

/** 16-byte words: the sum kernel's unit (8 bf16). */
const ELEMENTS_PER_WORD = 8;
/** What a rank tells its peers, one flag each per peer: its partial sums are final / its piece is summed / it has every piece. */
const READY = 0;
const SUMMED = 1;
const DONE = 2;
const SIGNALS = 3;

interface RankCopies {
  engine: RankEngine;
  /** Row j: the partial sums pulled from peer j (peers in rank order, this rank skipped). */
  staging: DeviceArray<"bf16">;
  /** One plain stream per peer: the copy engines run their pulls side by side. */
  copyStreams: Stream[];
  /** Per peer: its pull has landed. */
  copied: GpuEvent[];
  /** A plain stream that sends this rank's signals and awaits the peers' last one. */
  signals: Stream;
  /** The caller's stream reached a signal (for `signals`). */
  reached: GpuEvent;
  /**
   * Recorded on `signals` after each signal sent; the copy streams wait for it before they wait for
   * a peer's. Without it, a copy stream's wait in a graph may run ahead of the rank's own signal on
   * one of the GPU's hardware queues and block it: each GPU then waits on the other.
   */
  signalled: GpuEvent;
  /** Every peer has every piece (for the caller's stream). */
  finished: GpuEvent;
  /** Signals from the peers: flags[signal * ranks + peer rank], set to 1 by the peer. */
  flags: DeviceArray<"int32">;
}

export class CopyEngineAllReduce implements ResidualAllReduce {
  private constructor(
    private readonly ranks: readonly RankCopies[],
    /** Elements of one staging row: the largest piece a sum of every row can give a rank. */
    private readonly pieceCapacity: number,
    private readonly owned: { dispose(): void }[],
  ) {}

  /** Enables peer access between every pair of the engines' GPUs and allocates each rank's staging. */
  static create(engines: readonly RankEngine[]): CopyEngineAllReduce {
    const owned: { dispose(): void }[] = [];
    try {
      for (const engine of engines) for (const peer of engines) if (peer !== engine && !engine.gpu.canAddress(peer.gpu)) engine.gpu.enablePeerAccess(peer.gpu);
      const { buffers, shape } = engines[0]!.state;
      const pieceCapacity = pieceLength(buffers.rows * shape.hiddenSize, engines.length);
      const peers = engines.length - 1;
      const ranks = engines.map((engine) => ({
        engine,
        staging: own(owned, engine.gpu.allocate("bf16", peers * pieceCapacity)),
        copyStreams: Array.from({ length: peers }, () => own(owned, engine.gpu.createStream())),
        copied: Array.from({ length: peers }, () => own(owned, engine.gpu.createEvent({ timing: false }))),
        signals: own(owned, engine.gpu.createStream()),
        reached: own(owned, engine.gpu.createEvent({ timing: false })),
        signalled: own(owned, engine.gpu.createEvent({ timing: false })),
        finished: own(owned, engine.gpu.createEvent({ timing: false })),
        flags: own(owned, engine.gpu.upload("int32", new Int32Array(SIGNALS * engines.length))),
      }));
      return new CopyEngineAllReduce(ranks, pieceCapacity, owned);
    } catch (error) {
      disposeInReverse(owned);
      throw error;
    }
  }

  sumRows(streams: readonly Stream[], rows: readonly [number, number]): void {
    const hidden = this.ranks[0]!.engine.state.shape.hiddenSize;
    const begin = rows[0] * hidden;
    const count = (rows[1] - rows[0]) * hidden;
    const length = pieceLength(count, this.ranks.length);
    const piece = (rank: number) => {
      const start = Math.min(count, rank * length);
      return { begin: begin + start, count: Math.min(count, start + length) - start };
    };
    const residual = (rank: number) => this.ranks[rank]!.engine.state.buffers.residual;
    this.ranks.forEach((rank, r) => this.signal(streams[r]!, rank, r, READY));
    // Reduce-scatter: rank r pulls every peer's partial sums of piece r, then adds them to its own.
    this.ranks.forEach((rank, r) => {
      const mine = piece(r);
      this.eachPeer(r, (p, j) => {
        const copies = rank.copyStreams[j]!;
        copies.waitFor(rank.signalled);
        this.awaitSignal(copies, r, p, READY);
        if (mine.count > 0) rank.staging.copyFrom(residual(p), copies, mine.begin, j * this.pieceCapacity, mine.count);
        rank.copied[j]!.record(copies);
        streams[r]!.waitFor(rank.copied[j]!);
      });
      if (mine.count > 0) rank.engine.state.kernels.addPartials(streams[r]!, residual(r), rank.staging, { begin: mine.begin, count: mine.count, stride: this.pieceCapacity, parts: this.ranks.length - 1 });
      this.signal(streams[r]!, rank, r, SUMMED);
    });
    // All-gather: rank r pulls each peer's summed piece into place.
    this.ranks.forEach((rank, r) => {
      this.eachPeer(r, (p, j) => {
        const copies = rank.copyStreams[j]!;
        const theirs = piece(p);
        copies.waitFor(rank.signalled);
        this.awaitSignal(copies, r, p, SUMMED);
        if (theirs.count > 0) residual(r).copyFrom(residual(p), copies, theirs.begin, theirs.begin, theirs.count);
        rank.copied[j]!.record(copies);
        streams[r]!.waitFor(rank.copied[j]!);
      });
      this.signal(streams[r]!, rank, r, DONE);
    });
    // A rank's next writes may touch its own piece, which its peers pull above: wait for them.
    this.ranks.forEach((rank, r) => {
      this.eachPeer(r, (p) => this.awaitSignal(rank.signals, r, p, DONE));
      rank.finished.record(rank.signals);
      streams[r]!.waitFor(rank.finished);
    });
  }

  /** Sets rank's `signal` flag at every peer once stream's earlier work is done; then marks it sent. */
  private signal(stream: Stream, copies: RankCopies, rank: number, signal: number): void {
    copies.reached.record(stream);
    copies.signals.waitFor(copies.reached);
    this.eachPeer(rank, (p) => copies.engine.state.kernels.writeFlag(copies.signals, this.ranks[p]!.flags, signal * this.ranks.length + rank, 1));
    copies.signalled.record(copies.signals);
  }

  /** Later work on stream (a plain one of rank's) waits for peer's `signal`, then clears it for the next all-reduce. */
  private awaitSignal(stream: Stream, rank: number, peer: number, signal: number): void {
    const flags = this.ranks[rank]!.flags;
    stream.waitUntilEquals(flags, signal * this.ranks.length + peer, 1);
    stream.writeFlag(flags, signal * this.ranks.length + peer, 0);
  }

  /** Calls visit(peer rank, peer's index among rank's peers) for every other rank. */
  private eachPeer(rank: number, visit: (peer: number, index: number) => void): void {
    for (let p = 0, j = 0; p < this.ranks.length; p++) if (p !== rank) visit(p, j++);
  }

  dispose(): void {
    disposeInReverse(this.owned);
  }
}

/** Elements of each rank's piece of `count`: an equal share, rounded up to whole 16-byte words. */
function pieceLength(count: number, ranks: number): number {
  return Math.ceil(count / ranks / ELEMENTS_PER_WORD) * ELEMENTS_PER_WORD;
}
