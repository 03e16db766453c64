/** A CUDA event: orders work across streams and times GPU work. */
import type { NativeEvent } from "../binding/AddonTypes.js";
import { GpuResource } from "./GpuResource.js";
import type { Gpu } from "./Gpu.js";
import { Stream } from "./Stream.js";
import { expectInstance } from "./validate.js";

export class GpuEvent extends GpuResource<NativeEvent> {
  readonly kind = "GpuEvent";

  /** @internal */
  constructor(native: NativeEvent, readonly gpu: Gpu, readonly timing: boolean) {
    super(native);
  }

  /** Marks the current end of stream's queued work (in a capture: an ordering between streams). */
  record(stream: Stream): void {
    expectInstance(stream, Stream, "the stream to record on");
    this.nativeFor("record()").record(stream.nativeFor("the stream to record on"));
  }

  synchronize(): void {
    this.nativeFor("synchronize()").synchronize();
  }

  isComplete(): boolean {
    return this.nativeFor("isComplete()").isComplete();
  }

  /** GPU milliseconds from start to this event. Both must be recorded and complete. */
  elapsedMsSince(start: GpuEvent): number {
    expectInstance(start, GpuEvent, "the start event");
    if (!this.timing || !start.timing) throw new TypeError("Expected two timing events for elapsedMsSince() but received one made with timing: false");
    return this.nativeFor("elapsedMsSince()").elapsedMsSince(start.nativeFor("the start event"));
  }
}
