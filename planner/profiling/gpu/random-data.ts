/**
 * Random bf16 device data for every operand (never zeros: they run faster than real data). A block
 * of uniform values in [-1, 1) is uploaded once, then copied over the target in doubling steps,
 * which fills gigabytes in milliseconds.
 */
import type { DeviceArray, Gpu, Stream } from "../../../runtime/gpu/index.js";

const BLOCK = 1 << 20;

export class RandomData {
  private readonly block: DeviceArray<"bf16">;

  constructor(private readonly gpu: Gpu, private readonly stream: Stream) {
    const values = new Float32Array(BLOCK);
    for (let i = 0; i < BLOCK; i++) values[i] = Math.random() * 2 - 1;
    this.block = gpu.upload("bf16", values);
  }

  /** A new bf16 array of `length` random elements. */
  bf16(length: number): DeviceArray<"bf16"> {
    const array = this.gpu.allocate("bf16", length);
    let filled = Math.min(length, BLOCK);
    array.copyFrom(this.block, this.stream, 0, 0, filled);
    while (filled < length) {
      const count = Math.min(filled, length - filled);
      array.copyFrom(array, this.stream, 0, filled, count);
      filled += count;
    }
    this.stream.synchronize();
    return array;
  }

  dispose(): void {
    this.block.dispose();
  }
}
