/**
 * NCCL across the GPUs of this process: one communicator per GPU (rank i = gpus[i]), with NCCL's
 * CTAs capped so it fits an SM partition. NCCL launches on the caller's stream, so an all-reduce
 * on a partition's stream runs on that partition's SMs.
 */
import { loadAddon } from "../binding/loadAddon.js";
import type { NativeNcclCommunicators } from "../binding/AddonTypes.js";
import { DeviceArray } from "./DeviceArray.js";
import type { DType } from "./dtype.js";
import { Gpu } from "./Gpu.js";
import { GpuResource } from "./GpuResource.js";
import { Stream } from "./Stream.js";
import { expectArray, expectInstance, expectInteger, expectSameGpu, fail } from "./validate.js";

export interface NcclOptions {
  /** Most CTAs (one SM each) NCCL may use per collective; keep it at or under the partition's SMs. */
  maxCTAs?: number;
  minCTAs?: number;
}

/** One rank's part of an all-reduce. */
export interface AllReducePart {
  /** Input; may be the same array as receive (in place). */
  send: DeviceArray<"bf16"> | DeviceArray<"fp32">;
  receive: DeviceArray<"bf16"> | DeviceArray<"fp32">;
  stream: Stream;
  /** First element (default 0). */
  elementOffset?: number;
}

/** NCCL's own documented ceiling for maxCTAs/minCTAs. */
const MAX_CTAS = 64;

export class NcclCommunicators extends GpuResource<NativeNcclCommunicators> {
  readonly kind = "NcclCommunicators";

  /** @internal */
  constructor(native: NativeNcclCommunicators, readonly gpus: readonly Gpu[]) {
    super(native);
  }

  /** Ranks, one per GPU. */
  get size(): number {
    return this.nativeFor("size").size;
  }

  /**
   * Sums `count` elements across all ranks: parts[i] belongs to rank i (gpus[i]). Queued on each
   * part's stream; every rank's result lands in its receive array.
   */
  allReduce(parts: readonly AllReducePart[], count: number): void {
    if (!Array.isArray(parts) || parts.length !== this.gpus.length) fail(`an array of ${this.gpus.length} parts, one per rank`, "the all-reduce parts", parts);
    expectInteger(count, "the all-reduce element count", 1);
    const dtype = (parts[0]?.send as DeviceArray<DType> | undefined)?.dtype;
    const ops = parts.map((part, rank) => {
      const role = `the all-reduce part of rank ${rank}`;
      const gpu = this.gpus[rank]!;
      const send = expectInstance(part?.send, DeviceArray, `${role}: send`) as DeviceArray<DType>;
      const receive = expectInstance(part?.receive, DeviceArray, `${role}: receive`) as DeviceArray<DType>;
      const stream = expectInstance(part?.stream, Stream, `${role}: stream`);
      const offset = expectInteger(part.elementOffset ?? 0, `${role}: elementOffset`);
      for (const [array, what] of [[send, "send"], [receive, "receive"]] as const) {
        if (array.dtype !== dtype || dtype === "int32") fail(`a ${dtype === "int32" ? "bf16 or fp32" : dtype} DeviceArray (all parts alike)`, `${role}: ${what}`, array);
        expectSameGpu(array, gpu, `${role}: ${what}`);
        array.checkRange(offset, count, `${role}: ${what}`);
      }
      expectSameGpu(stream, gpu, `${role}: stream`);
      const byteOffset = offset * send.bytesPerElement;
      return {
        rank, count, bfloat16: dtype === "bf16",
        send: send.nativeFor(`${role}: send`), sendByteOffset: byteOffset,
        receive: receive.nativeFor(`${role}: receive`), receiveByteOffset: byteOffset,
        stream: stream.nativeFor(`${role}: stream`),
      };
    });
    this.nativeFor("allReduce()").allReduce(ops);
  }
}

/** Creates one communicator per GPU (rank i on gpus[i]); NCCL's initialisation runs off the JS thread. */
export async function createNcclCommunicators(gpus: readonly Gpu[], options: NcclOptions = {}): Promise<NcclCommunicators> {
  const members = expectArray(gpus, "the NCCL GPUs", (gpu, role) => expectInstance(gpu, Gpu, role), 1);
  const ordinals = new Set(members.map((gpu) => gpu.ordinal));
  if (ordinals.size !== members.length) fail("distinct GPUs (one rank each)", "the NCCL GPUs", gpus);
  const config: { maxCTAs?: number; minCTAs?: number } = {};
  if (options.maxCTAs !== undefined) config.maxCTAs = expectInteger(options.maxCTAs, "options.maxCTAs", 1, MAX_CTAS);
  if (options.minCTAs !== undefined) config.minCTAs = expectInteger(options.minCTAs, "options.minCTAs", 1, config.maxCTAs ?? MAX_CTAS);
  const natives = members.map((gpu, rank) => gpu.nativeFor(`the GPU of NCCL rank ${rank}`));
  return new NcclCommunicators(await loadAddon().createNcclCommunicators(natives, config), members);
}
