/** An instantiated CUDA graph: a captured sequence of work, replayed with one launch. */
import type { NativeCudaGraph } from "../binding/AddonTypes.js";
import { GpuResource } from "./GpuResource.js";
import type { Gpu } from "./Gpu.js";
import { Stream } from "./Stream.js";
import { expectInstance } from "./validate.js";

export class CudaGraph extends GpuResource<NativeCudaGraph> {
  readonly kind = "CudaGraph";

  /** @internal */
  constructor(native: NativeCudaGraph, readonly gpu: Gpu) {
    super(native);
  }

  /** Replays the graph on stream. Its kernels run on the partition they were captured on. */
  launch(stream: Stream): void {
    expectInstance(stream, Stream, "the graph's launch stream");
    this.nativeFor("launch()").launch(stream.nativeFor("the graph's launch stream"));
  }
}
