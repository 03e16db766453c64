/** A CUDA stream: plain, or confined to an SM partition. Work on one stream runs in order. */
import type { NativeStream } from "../binding/AddonTypes.js";
import { CudaGraph } from "./CudaGraph.js";
import { DeviceArray } from "./DeviceArray.js";
import { GpuEvent } from "./GpuEvent.js";
import { GpuResource } from "./GpuResource.js";
import type { Gpu } from "./Gpu.js";
import { expectInstance, expectInteger, expectOneOf, fail } from "./validate.js";

/** How strictly other threads' CUDA calls are refused while capturing (cudaStreamCaptureMode). */
export type CaptureMode = "global" | "thread-local" | "relaxed";
const CAPTURE_MODES: readonly CaptureMode[] = ["global", "thread-local", "relaxed"];

export class Stream extends GpuResource<NativeStream> {
  readonly kind = "Stream";

  /** @internal */
  constructor(native: NativeStream, readonly gpu: Gpu) {
    super(native);
  }

  /** True for a stream made from a green-context partition. */
  get inGreenPartition(): boolean {
    return this.nativeFor("inGreenPartition").inGreenPartition;
  }

  /** Blocks until all work queued on this stream has finished. */
  synchronize(): void {
    this.nativeFor("synchronize()").synchronize();
  }

  isIdle(): boolean {
    return this.nativeFor("isIdle()").isIdle();
  }

  /** Later work on this stream waits for the work recorded by event. */
  waitFor(event: GpuEvent): void {
    expectInstance(event, GpuEvent, "the event to wait for");
    this.nativeFor("waitFor()").waitEvent(event.nativeFor("the event to wait for"));
  }

  /**
   * Later work on this stream waits until flags[index] equals value. The GPU's front end polls the
   * word, so no SM is held; flags may be on another GPU this one may address (Gpu.enablePeerAccess),
   * which lets GPUs order their streams without events, each in a graph of its own.
   */
  waitUntilEquals(flags: DeviceArray<"int32">, index: number, value: number): void {
    const word = this.flagWord(flags, index, value, "the flag to wait on");
    this.nativeFor("waitUntilEquals()").waitValue(flags.nativeFor("the flag to wait on"), word, value);
  }

  /** Once this stream's earlier work is done and its writes visible (a memory fence), sets flags[index] to value. */
  writeFlag(flags: DeviceArray<"int32">, index: number, value: number): void {
    const word = this.flagWord(flags, index, value, "the flag to write");
    this.nativeFor("writeFlag()").writeValue(flags.nativeFor("the flag to write"), word, value);
  }

  /** Checks a flag argument; its byte offset. */
  private flagWord(flags: DeviceArray<"int32">, index: number, value: number, role: string): number {
    expectInstance(flags, DeviceArray, role);
    if (flags.dtype !== "int32") fail("an int32 DeviceArray", role, flags);
    if (!this.gpu.canAddress(flags.gpu)) throw new TypeError(`Expected ${role} on GPU ${this.gpu.ordinal}, or on a GPU it may address (Gpu.enablePeerAccess), but received one on GPU ${flags.gpu.ordinal}`);
    flags.checkRange(expectInteger(index, `${role}'s index`, 0, flags.length - 1), 1, role);
    expectInteger(value, `${role}'s value`, 0, 2 ** 31 - 1);
    return index * 4;
  }

  /** Starts recording this stream's work into a graph instead of running it. */
  beginCapture(mode: CaptureMode = "global"): void {
    expectOneOf(mode, CAPTURE_MODES, "the capture mode");
    this.nativeFor("beginCapture()").beginCapture(CAPTURE_MODES.indexOf(mode) as 0 | 1 | 2);
  }

  /** Ends the capture and instantiates it. Its kernels keep this stream's SM partition. */
  endCapture(): CudaGraph {
    return new CudaGraph(this.nativeFor("endCapture()").endCapture(), this.gpu);
  }
}
