/**
 * A typed array in GPU memory: bf16, fp32 or int32 elements. Host data converts on upload (fp32
 * to bf16 rounds to nearest even) and download (bf16 widens exactly to fp32).
 */
import type { NativeDeviceBuffer } from "../binding/AddonTypes.js";
import { bf16BitsToFloat32, float32ToBf16Bits } from "./bf16.js";
import { bytesPerElement, type DType } from "./dtype.js";
import { GpuResource } from "./GpuResource.js";
import type { Gpu } from "./Gpu.js";
import { Stream } from "./Stream.js";
import { expectFiniteNumber, expectInstance, expectInteger, expectSameGpu, fail } from "./validate.js";

/** What download() returns: bf16 and fp32 as Float32Array, int32 as Int32Array. */
export type HostArray<D extends DType> = D extends "int32" ? Int32Array : Float32Array;
/** What upload() accepts: HostArray<D>, or raw bf16 bit patterns (Uint16Array) for bf16. */
export type HostSource<D extends DType> = D extends "bf16" ? Float32Array | Uint16Array : HostArray<D>;

/** An element position in a device array, passed to kernels as a device pointer. */
export interface DevicePointer {
  readonly array: DeviceArray<DType>;
  readonly elementOffset: number;
}

export class DeviceArray<D extends DType> extends GpuResource<NativeDeviceBuffer> {
  readonly kind = "DeviceArray";

  /** @internal */
  constructor(native: NativeDeviceBuffer, readonly gpu: Gpu, readonly dtype: D, readonly length: number) {
    super(native);
  }

  get bytesPerElement(): 2 | 4 {
    return bytesPerElement(this.dtype);
  }

  get byteLength(): number {
    return this.length * this.bytesPerElement;
  }

  /** A pointer to element `elementOffset`, for kernel arguments. */
  at(elementOffset: number): DevicePointer {
    expectInteger(elementOffset, "the element offset", 0, this.length);
    return { array: this, elementOffset };
  }

  /**
   * Copies host data to elements [elementOffset, elementOffset + data.length). Waits first for all
   * work queued on the GPU: for setup and checks, not for the hot path.
   */
  upload(data: HostSource<D>, elementOffset = 0): void {
    const bytes = this.hostBytesFor(data);
    this.checkRange(elementOffset, data.length, "the upload");
    const native = this.nativeFor("upload()");
    this.gpu.synchronize();
    native.upload(elementOffset * this.bytesPerElement, bytes);
  }

  /**
   * Copies `count` elements from `elementOffset` to the host. Waits first for all work queued on
   * the GPU.
   */
  download(elementOffset = 0, count = this.length - elementOffset): HostArray<D> {
    this.checkRange(elementOffset, count, "the download");
    const raw = this.dtype === "int32" ? new Int32Array(count) : this.dtype === "fp32" ? new Float32Array(count) : new Uint16Array(count);
    const native = this.nativeFor("download()");
    this.gpu.synchronize();
    native.download(elementOffset * this.bytesPerElement, raw);
    return (raw instanceof Uint16Array ? bf16BitsToFloat32(raw) : raw) as HostArray<D>;
  }

  /** Sets elements [elementOffset, elementOffset + count) to value, in order on stream. */
  fill(value: number, stream: Stream, elementOffset = 0, count = this.length - elementOffset): void {
    expectFiniteNumber(value, "the fill value");
    this.checkStream(stream, "the fill stream");
    this.checkRange(elementOffset, count, "the fill");
    this.nativeFor("fill()").fill(elementOffset * this.bytesPerElement, count, this.bytesPerElement, this.bitPattern(value, "the fill value"), stream.nativeFor("the fill stream"));
  }

  /** Fills with a bit pattern that decodes to NaN in bf16 and fp32 (and -1 in int32): unwritten elements stand out. */
  poison(stream: Stream): void {
    this.checkStream(stream, "the poison stream");
    const pattern = this.dtype === "bf16" ? 0xffff : 0xffffffff;
    this.nativeFor("poison()").fill(0, this.length, this.bytesPerElement, pattern, stream.nativeFor("the poison stream"));
  }

  /** Copies `count` elements from source (same dtype and GPU), in order on stream. */
  copyFrom(source: DeviceArray<D>, stream: Stream, sourceOffset = 0, elementOffset = 0, count = source.length - sourceOffset): void {
    expectInstance(source, DeviceArray, "the copy source");
    if (source.dtype !== this.dtype) fail(`a ${this.dtype} DeviceArray`, "the copy source", source);
    expectSameGpu(source, this.gpu, "the copy source");
    this.checkStream(stream, "the copy stream");
    source.checkRange(sourceOffset, count, "the copy source range");
    this.checkRange(elementOffset, count, "the copy target range");
    this.nativeFor("copyFrom()").copyFrom(source.nativeFor("the copy source"), sourceOffset * this.bytesPerElement, elementOffset * this.bytesPerElement, count * this.bytesPerElement, stream.nativeFor("the copy stream"));
  }

  override toString(): string {
    return `${this.dtype} DeviceArray of ${this.length} elements on GPU ${this.gpu.ordinal}${this.disposed ? " (disposed)" : ""}`;
  }

  /** Elements [offset, offset + count) must lie inside the array. */
  checkRange(offset: number, count: number, role: string): void {
    expectInteger(offset, `the element offset of ${role}`, 0, this.length);
    expectInteger(count, `the element count of ${role}`, 0, this.length - offset);
  }

  private checkStream(stream: Stream, role: string): void {
    expectInstance(stream, Stream, role);
    expectSameGpu(stream, this.gpu, role);
  }

  private hostBytesFor(data: unknown): ArrayBufferView {
    const accepted = this.dtype === "int32" ? [Int32Array] : this.dtype === "fp32" ? [Float32Array] : [Float32Array, Uint16Array];
    if (!accepted.some((Type) => data instanceof Type)) {
      fail(accepted.map((Type) => `a ${Type.name}`).join(" or "), `upload to a ${this.dtype} array`, data);
    }
    return this.dtype === "bf16" && data instanceof Float32Array ? float32ToBf16Bits(data) : (data as ArrayBufferView);
  }

  private bitPattern(value: number, role: string): number {
    if (this.dtype === "int32") return expectInteger(value, role, -(2 ** 31), 2 ** 31 - 1) >>> 0;
    const single = new Float32Array([value]);
    return this.dtype === "fp32" ? new Uint32Array(single.buffer)[0]! : float32ToBf16Bits(single)[0]!;
  }
}
