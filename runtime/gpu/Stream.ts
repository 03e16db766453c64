/** A CUDA stream: plain, or confined to an SM partition. Work on one stream runs in order. */
import type { NativeStream } from "../binding/AddonTypes.js";
import { CudaGraph } from "./CudaGraph.js";
import { GpuEvent } from "./GpuEvent.js";
import { GpuResource } from "./GpuResource.js";
import type { Gpu } from "./Gpu.js";
import { expectInstance, expectOneOf } from "./validate.js";

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

  /** Starts recording this stream's work into a graph instead of running it. */
  beginCapture(mode: CaptureMode = "global"): void {
    expectOneOf(mode, CAPTURE_MODES, "the capture mode");
    this.nativeFor("beginCapture()").beginCapture(CAPTURE_MODES.indexOf(mode) as 0 | 1 | 2);
  }

  /** Ends the capture and instantiates it. Its kernels keep this stream's SM partition. */
  endCapture(): CudaGraph {
    return new CudaGraph(this.nativeFor("endCapture()").endCapture(), this.gpu);
  }

  /**
   * While this stream is capturing: the kernel nodes the graph holds so far, over every stream
   * joined to the capture. Read before and after some launches, it says which kernels are theirs.
   */
  capturedKernelNodes(): number {
    return this.nativeFor("capturedKernelNodes()").capturedKernelNodes();
  }
}
