/**
 * How profile measurements queue one all-reduce across GPUs, for each method the runtime can run:
 * NCCL's kernels (one group call from the host, CTAs capped at the partition's SMs), or the peer
 * kernel (runtime/kernels/peerSum.ts: one launch a rank, each rank's repetitions replayed from a
 * graph of its own, as the runtime's iterations are).
 */
import type { AllReduceMethod } from "../../model/all-reduce-method.js";
import { MAX_NETWORK_SMS } from "../grid.js";
import { PeerSum } from "../../../runtime/kernels/peerSum.js";
import type { DeviceArray, Stream } from "../../../runtime/gpu/index.js";
import { Communicators } from "./communicators.js";
import type { GpuContext } from "./gpu-context.js";
import { graphWorkload, hostPacedWorkload, type Workload } from "./workload.js";

/** Random send buffers and receive buffers of `count` bf16 elements per rank. */
export class AllReduceBuffers {
  /** Rank r's input; summed in place by the peer kernel (its values only grow, which costs nothing). */
  readonly send: DeviceArray<"bf16">[];
  private readonly receive: DeviceArray<"bf16">[];

  constructor(contexts: readonly GpuContext[], count: number) {
    this.send = contexts.map((ctx) => ctx.random.bf16(count));
    this.receive = contexts.map((ctx) => ctx.gpu.allocate("bf16", count));
  }

  parts(streams: readonly Stream[]): { send: DeviceArray<"bf16">; receive: DeviceArray<"bf16">; stream: Stream }[] {
    return streams.map((stream, rank) => ({ send: this.send[rank]!, receive: this.receive[rank]!, stream }));
  }

  dispose(): void {
    for (const array of [...this.send, ...this.receive]) array.dispose();
  }
}

export interface AllReduceRunner {
  /** One all-reduce of `count` elements a rank of `buffers` across `contexts`' GPUs, rank r on streams[r], a partition of `sms` SMs. */
  workload(contexts: readonly GpuContext[], streams: readonly Stream[], buffers: AllReduceBuffers, count: number, sms: number): Promise<Workload>;
  dispose(): void;
}

export function allReduceRunner(method: AllReduceMethod): AllReduceRunner {
  return method === "nccl" ? new NcclRunner() : new PeerRunner();
}

class NcclRunner implements AllReduceRunner {
  private readonly communicators = new Communicators();

  async workload(contexts: readonly GpuContext[], streams: readonly Stream[], buffers: AllReduceBuffers, count: number, sms: number): Promise<Workload> {
    const nccl = await this.communicators.get(contexts, Math.min(sms, MAX_NETWORK_SMS));
    return hostPacedWorkload(streams, () => nccl.allReduce(buffers.parts(streams), count));
  }

  dispose(): void {
    this.communicators.dispose();
  }
}

class PeerRunner implements AllReduceRunner {
  /** One PeerSum (peer access and flags) per set of GPUs, by ordinals. */
  private readonly made = new Map<string, PeerSum>();

  async workload(contexts: readonly GpuContext[], streams: readonly Stream[], buffers: AllReduceBuffers, count: number, sms: number): Promise<Workload> {
    const peer = await this.peerSum(contexts);
    return graphWorkload(streams, (rank) => peer.launchRank(rank, streams[rank]!, buffers.send, 0, count, sms));
  }

  dispose(): void {
    for (const peer of this.made.values()) peer.dispose();
  }

  private async peerSum(contexts: readonly GpuContext[]): Promise<PeerSum> {
    // Each context compiles its kernels once; the PeerSum is made synchronously after, so only one is made per key.
    const ranks = [];
    for (const ctx of contexts) ranks.push({ gpu: ctx.gpu, kernels: await ctx.kernels.model() });
    const key = contexts.map((ctx) => ctx.gpu.ordinal).join(",");
    let peer = this.made.get(key);
    if (!peer) {
      peer = PeerSum.create(ranks);
      this.made.set(key, peer);
    }
    return peer;
  }
}
