/**
 * Kernels loaded from a compiled image, launched with arguments typed by a signature the kernel's
 * author declares in TypeScript, matching the extern "C" CUDA declaration:
 *
 *   __global__ void scale(float* out, const float* in, float factor, int n)
 *   module.kernel("scale", ["ptr", "ptr", "f32", "i32"])
 *
 * A launch runs in the context of its stream, so one loaded kernel serves plain streams and
 * every SM partition's streams.
 */
import type { Dim3, NativeKernel, NativeKernelArg, NativeKernelAttributes, NativeKernelLibrary } from "../binding/AddonTypes.js";
import { KernelArgKind } from "../binding/AddonTypes.js";
import { DeviceArray, type DevicePointer } from "./DeviceArray.js";
import type { DType } from "./dtype.js";
import { GpuResource } from "./GpuResource.js";
import type { Gpu } from "./Gpu.js";
import { Stream } from "./Stream.js";
import { expectDim3, expectInstance, expectInteger, expectSameGpu, expectString, fail } from "./validate.js";

/** ptr: a device pointer (T*), i32: int, u32: unsigned int, f32: float, i64: long long. */
export type KernelParamType = "ptr" | "i32" | "u32" | "f32" | "i64";
const PARAM_TYPES: readonly KernelParamType[] = ["ptr", "i32", "u32", "f32", "i64"];

export type KernelArgument<P extends KernelParamType> = P extends "ptr" ? DeviceArray<DType> | DevicePointer : P extends "i64" ? bigint : number;
export type KernelArguments<S extends readonly KernelParamType[]> = { -readonly [I in keyof S]: KernelArgument<S[I]> };

export interface LaunchConfig {
  /** Blocks: a count, or [x, y, z]. */
  grid: number | Dim3;
  /** Threads per block: a count, or [x, y, z]. */
  block: number | Dim3;
  /** Dynamic shared memory per block (default 0). */
  sharedBytes?: number;
}

const GRID_LIMITS = [2 ** 31 - 1, 65535, 65535] as const;
const BLOCK_LIMITS = [1024, 1024, 64] as const;

export class KernelModule extends GpuResource<NativeKernelLibrary> {
  readonly kind = "KernelModule";

  /** @internal */
  constructor(native: NativeKernelLibrary, readonly gpu: Gpu) {
    super(native);
  }

  /** The extern "C" kernel `name`, with its parameter types in order. */
  kernel<const S extends readonly KernelParamType[]>(name: string, signature: S): Kernel<S> {
    expectString(name, "the kernel name");
    const params = [...signature];
    params.forEach((type, index) => {
      if (!PARAM_TYPES.includes(type)) fail(`one of ${PARAM_TYPES.join(", ")}`, `parameter ${index} of kernel ${name}`, type);
    });
    return new Kernel<S>(this.nativeFor("kernel()").getKernel(name), this.gpu, name, signature);
  }
}

export class Kernel<S extends readonly KernelParamType[]> extends GpuResource<NativeKernel> {
  readonly kind = "Kernel";

  /** @internal */
  constructor(native: NativeKernel, readonly gpu: Gpu, readonly name: string, readonly signature: S) {
    super(native);
  }

  attributes(): NativeKernelAttributes {
    return this.nativeFor("attributes()").attributes();
  }

  /** Allows launches with up to `bytes` of dynamic shared memory (needed above 48 KiB). */
  setMaxDynamicSharedMemory(bytes: number): void {
    expectInteger(bytes, "the dynamic shared memory limit", 0, this.gpu.info.maxSharedMemoryPerBlockOptin);
    this.nativeFor("setMaxDynamicSharedMemory()").setMaxDynamicSharedMemory(bytes);
  }

  /** Queues the kernel on stream. */
  launch(stream: Stream, config: LaunchConfig, ...args: KernelArguments<S>): void {
    const role = `a launch of ${this.name}`;
    expectInstance(stream, Stream, `the stream of ${role}`);
    expectSameGpu(stream, this.gpu, `the stream of ${role}`);
    const grid = expectDim3(asDim3(config?.grid), `the grid of ${role}`, GRID_LIMITS);
    const block = expectDim3(asDim3(config?.block), `the block of ${role}`, BLOCK_LIMITS);
    const threads = block[0] * block[1] * block[2];
    const maxThreads = this.gpu.info.maxThreadsPerBlock;
    if (threads > maxThreads) throw new RangeError(`Expected at most ${maxThreads} threads per block for ${role} but received ${block.join(" x ")} = ${threads}`);
    const sharedBytes = expectInteger(config.sharedBytes ?? 0, `the dynamic shared memory of ${role}`, 0, this.gpu.info.maxSharedMemoryPerBlockOptin);
    if (args.length !== this.signature.length) {
      throw new TypeError(`Expected ${this.signature.length} arguments (${this.signature.join(", ")}) for ${role} but received ${args.length}`);
    }
    const packed = this.signature.map((type, index) => this.packArgument(type, args[index], `argument ${index} (${type}) of ${role}`));
    this.nativeFor("launch()").launch(stream.nativeFor(`the stream of ${role}`), grid, block, sharedBytes, packed);
  }

  private packArgument(type: KernelParamType, value: unknown, role: string): NativeKernelArg {
    switch (type) {
      case "ptr": {
        const pointer = value instanceof DeviceArray ? { array: value, elementOffset: 0 } : (value as DevicePointer | undefined);
        if (!(pointer?.array instanceof DeviceArray)) fail("a DeviceArray or array.at(offset)", role, value);
        if (!this.gpu.canAddress(pointer.array.gpu)) throw new TypeError(`Expected a DeviceArray of GPU ${this.gpu.ordinal}, or of a GPU it may address (Gpu.enablePeerAccess), for ${role} but received one of GPU ${pointer.array.gpu.ordinal}`);
        return [KernelArgKind.Pointer, pointer.array.nativeFor(role), pointer.elementOffset * pointer.array.bytesPerElement];
      }
      case "i32":
        return [KernelArgKind.Int32, expectInteger(value, role, -(2 ** 31), 2 ** 31 - 1)];
      case "u32":
        return [KernelArgKind.Uint32, expectInteger(value, role, 0, 2 ** 32 - 1)];
      case "f32":
        if (typeof value !== "number") fail("a number", role, value);
        return [KernelArgKind.Float32, value];
      case "i64":
        if (typeof value !== "bigint" || BigInt.asIntN(64, value) !== value) fail("a bigint within 64 bits", role, value);
        return [KernelArgKind.Int64, value];
    }
  }
}

function asDim3(value: unknown): unknown {
  return typeof value === "number" ? [value, 1, 1] : value;
}
