/**
 * Holds a GPU's streams while the host queues timed work, so that the timed stretch starts with a
 * full queue and host launch gaps stay out of it: a one-block streaming read on a side stream,
 * sized to last about as long as asked, then an event the timed streams wait for.
 */
import type { DeviceArray, Gpu, GpuEvent, Stream } from "../../../runtime/gpu/index.js";
import type { NativeKernels } from "./native-kernels.js";

const BUFFER_BYTES = 64 * 2 ** 20;

export class Gate {
  private constructor(
    private readonly stream: Stream,
    private readonly event: GpuEvent,
    private readonly read: (bytes: number) => void,
    private readonly bytesPerUs: number,
    private readonly owned: ReadonlyArray<{ dispose(): void }>,
  ) {}

  static async create(gpu: Gpu, kernels: NativeKernels): Promise<Gate> {
    const streamRead = await kernels.streamRead();
    const stream = gpu.createStream();
    const buffer: DeviceArray<"int32"> = gpu.allocate("int32", BUFFER_BYTES / 4);
    const sink = gpu.allocate("int32", 1024);
    buffer.fill(1, stream);
    const read = (bytes: number): void => streamRead(stream, 1, buffer, Math.max(16, Math.floor(bytes / 16) * 16), sink);
    const start = gpu.createEvent();
    const end = gpu.createEvent();
    // How fast one block reads: the median of three reads of the whole buffer.
    const samples = [0, 1, 2].map(() => {
      start.record(stream);
      read(BUFFER_BYTES);
      end.record(stream);
      end.synchronize();
      return end.elapsedMsSince(start) * 1000;
    });
    start.dispose();
    const us = samples.sort((a, b) => a - b)[1]!;
    return new Gate(stream, end, read, BUFFER_BYTES / us, [buffer, sink, stream]);
  }

  /** Queues a hold of about `us` microseconds; returns the event that ends it. */
  hold(us: number): GpuEvent {
    for (let left = us * this.bytesPerUs; left > 0; left -= BUFFER_BYTES) this.read(Math.min(left, BUFFER_BYTES));
    this.event.record(this.stream);
    return this.event;
  }

  dispose(): void {
    this.event.dispose();
    for (const resource of this.owned) resource.dispose();
  }
}
