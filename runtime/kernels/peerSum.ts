/**
 * The peer all-reduce's kernel (peer_sum.cu) over a set of GPUs, with what it keeps between
 * launches: peer access between every pair of the GPUs, and each rank's barrier flags. Each rank
 * owns one of N equal pieces of the elements being summed; its launch reads its piece from every
 * rank's buffer over NVLink, adds them and writes the sum into every rank's buffer, in place. The
 * runtime sums residual rows with it (engine/peerAllReduce.ts), `nanoweave profile` times it.
 *
 * Every rank must issue its launches in the same order on one stream at a time: the kernel's
 * barriers count launches.
 */
import type { DeviceArray, Gpu, Stream } from "../gpu/index.js";
import { disposeInReverse, own } from "../owned.js";
import { PEER_SUM_FLAG_WORDS, PEER_SUM_MAX_RANKS, type ModelKernels } from "./modelKernels.js";

/** 16-byte words: the kernel's unit (8 bf16). */
const ELEMENTS_PER_WORD = 8;

export interface PeerSumRank {
  gpu: Gpu;
  kernels: ModelKernels;
}

export class PeerSum {
  private constructor(
    private readonly ranks: readonly PeerSumRank[],
    /** Each rank's barrier flags, on its GPU, zero at first (peer_sum.cu's layout). */
    private readonly flags: readonly DeviceArray<"int32">[],
    private readonly owned: { dispose(): void }[],
  ) {}

  /** Enables peer access between every pair of the ranks' GPUs (refused, naming both, where a pair cannot) and makes each rank's flags. */
  static create(ranks: readonly PeerSumRank[]): PeerSum {
    if (ranks.length < 2 || ranks.length > PEER_SUM_MAX_RANKS) throw new RangeError(`Expected 2 to ${PEER_SUM_MAX_RANKS} GPUs for the peer all-reduce but received ${ranks.length}`);
    const owned: { dispose(): void }[] = [];
    try {
      for (const { gpu } of ranks) for (const { gpu: peer } of ranks) if (peer !== gpu && !gpu.canAddress(peer)) gpu.enablePeerAccess(peer);
      const flags = ranks.map(({ gpu }) => own(owned, gpu.upload("int32", new Int32Array(PEER_SUM_FLAG_WORDS))));
      return new PeerSum(ranks, flags, owned);
    } catch (error) {
      disposeInReverse(owned);
      throw error;
    }
  }

  /** Every rank's launch, rank r's on streams[r]: elements [begin, begin + count) of buffers[r] summed over the ranks. */
  sum(streams: readonly Stream[], buffers: readonly DeviceArray<"bf16">[], begin: number, count: number, sms: number): void {
    this.ranks.forEach((_, rank) => this.launchRank(rank, streams[rank]!, buffers, begin, count, sms));
  }

  /**
   * Rank `rank`'s launch alone, on `stream` and the `sms` SMs it may use (for a caller that records
   * each rank's stream apart; every rank must launch for any to finish). begin and count are
   * multiples of 8; buffers[k] is rank k's.
   */
  launchRank(rank: number, stream: Stream, buffers: readonly DeviceArray<"bf16">[], begin: number, count: number, sms: number): void {
    if (buffers.length !== this.ranks.length) throw new RangeError(`Expected one buffer for each of the ${this.ranks.length} ranks but received ${buffers.length}`);
    if (begin % ELEMENTS_PER_WORD !== 0 || count % ELEMENTS_PER_WORD !== 0) throw new RangeError(`Expected begin and count multiples of ${ELEMENTS_PER_WORD} but received ${begin} and ${count}`);
    for (const buffer of buffers) if (buffer.length < begin + count) throw new RangeError(`Expected buffers of at least ${begin + count} elements but received one of ${buffer.length}`);
    const length = Math.ceil(count / this.ranks.length / ELEMENTS_PER_WORD) * ELEMENTS_PER_WORD;
    // Every rank launches, an empty piece too: the barriers need all of them.
    const start = Math.min(count, rank * length);
    this.ranks[rank]!.kernels.peerSum(stream, sms, { residuals: buffers, flags: this.flags, rank, begin: begin + start, count: Math.min(count, start + length) - start });
  }

  dispose(): void {
    disposeInReverse(this.owned);
  }
}
