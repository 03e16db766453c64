/**
 * One GPU, opened by ordinal (its primary context): the factory of everything else on it.
 * Every method checks its arguments before the native call; native failures arrive as Errors
 * carrying the library, call, code and message (see NativeErrorFields).
 */
import type { NativeDevice, NativeDeviceInfo, NativeGpuPower, NativeGreenContextSupport } from "../binding/AddonTypes.js";
import { loadAddon } from "../binding/loadAddon.js";
import { Cublas } from "./Cublas.js";
import { DeviceArray, type HostSource } from "./DeviceArray.js";
import { DTYPES, bytesPerElement, type DType } from "./dtype.js";
import { GpuEvent } from "./GpuEvent.js";
import { GpuResource } from "./GpuResource.js";
import { compileCuda, type CompileOptions } from "./KernelCompiler.js";
import { KernelModule } from "./Kernel.js";
import { createSmPartitions, type SmPartition, type SmPartitionOptions } from "./SmPartitions.js";
import { Stream } from "./Stream.js";
import { expectBoolean, expectInteger, expectOneOf, fail } from "./validate.js";

/** cuBLAS's recommended workspace on Hopper; owned per handle so GEMMs can be graph-captured. */
const DEFAULT_CUBLAS_WORKSPACE_BYTES = 32 * 1024 * 1024;

export class Gpu extends GpuResource<NativeDevice> {
  readonly kind = "Gpu";
  /** GPUs whose memory this one's kernels may address (enablePeerAccess). */
  private readonly peers = new Set<Gpu>();

  private constructor(native: NativeDevice, readonly info: NativeDeviceInfo) {
    super(native);
  }

  /** Opens GPU `ordinal` (0 = the first CUDA device). */
  static open(ordinal = 0): Gpu {
    const addon = loadAddon();
    const devices = addon.listDevices();
    if (devices.length === 0) throw new Error("No CUDA GPU is visible (the driver loaded but reports no devices)");
    expectInteger(ordinal, "the GPU ordinal", 0, devices.length - 1);
    return new Gpu(addon.openDevice(ordinal), devices[ordinal]!);
  }

  /** CUDA GPUs visible to this process (0 where the driver reports none). */
  static count(): number {
    return loadAddon().listDevices().length;
  }

  get ordinal(): number {
    return this.info.ordinal;
  }

  /** An uninitialised array of `length` elements. */
  allocate<D extends DType>(dtype: D, length: number): DeviceArray<D> {
    expectOneOf(dtype, DTYPES, "the element type");
    expectInteger(length, "the element count", 1, Math.floor(this.info.totalMemoryBytes / bytesPerElement(dtype)));
    return new DeviceArray(this.nativeFor("allocate()").allocate(length * bytesPerElement(dtype)), this, dtype, length);
  }

  /** A new array holding data. */
  upload<D extends DType>(dtype: D, data: HostSource<D>): DeviceArray<D> {
    if (!ArrayBuffer.isView(data)) fail("a typed array", `upload to a new ${dtype} array`, data);
    const array = this.allocate(dtype, (data as ArrayLike<number>).length);
    array.upload(data);
    return array;
  }

  /** A plain non-blocking stream, not confined to any SMs. Lower priority numbers run first. */
  createStream(options: { priority?: number } = {}): Stream {
    const priority = expectInteger(options.priority ?? 0, "options.priority", -1000, 1000);
    return new Stream(this.nativeFor("createStream()").createStream(priority), this);
  }

  createEvent(options: { timing?: boolean } = {}): GpuEvent {
    const timing = expectBoolean(options.timing ?? true, "options.timing");
    return new GpuEvent(this.nativeFor("createEvent()").createEvent(timing), this, timing);
  }

  /** Whether green contexts work here, and their granularity. */
  greenContextSupport(): NativeGreenContextSupport {
    this.nativeFor("greenContextSupport()");
    return loadAddon().greenContextSupport(this.ordinal);
  }

  /**
   * Through NVML (it comes with the driver): the energy counter, power limit and draw, SM clock and
   * time held at the power limit. Throws, naming NVML, where it is missing or the GPU refuses.
   */
  readPower(): NativeGpuPower {
    this.nativeFor("readPower()");
    return loadAddon().readGpuPower(this.info.pciBusId);
  }

  /** SM partitions of the requested sizes (see SmPartitions.ts). */
  createSmPartitions(sizes: readonly number[], options: SmPartitionOptions = {}): SmPartition[] {
    return createSmPartitions(this, sizes, options);
  }

  /** A cuBLAS handle told to plan for `smCountTarget` SMs (0: all), e.g. a partition's smCount. */
  createCublas(options: { smCountTarget?: number; workspaceBytes?: number } = {}): Cublas {
    const target = expectInteger(options.smCountTarget ?? 0, "options.smCountTarget", 0, this.info.smCount);
    const workspace = expectInteger(options.workspaceBytes ?? DEFAULT_CUBLAS_WORKSPACE_BYTES, "options.workspaceBytes", 0, 2 ** 32);
    return new Cublas(this.nativeFor("createCublas()").createCublas(target, workspace), this);
  }

  /** Loads a compiled image (cubin). */
  loadModule(image: Uint8Array): KernelModule {
    if (!(image instanceof Uint8Array) || image.byteLength === 0) fail("a non-empty Uint8Array", "the kernel image", image);
    return new KernelModule(this.nativeFor("loadModule()").loadKernelLibrary(image), this);
  }

  /** Compiles CUDA C++ for this GPU (through the kernel cache) and loads it. */
  async compileModule(source: string, options: CompileOptions = {}): Promise<KernelModule> {
    this.nativeFor("compileModule()");
    const compiled = await compileCuda(this, source, options);
    return this.loadModule(compiled.image);
  }

  memoryInfo(): { freeBytes: number; totalBytes: number } {
    return this.nativeFor("memoryInfo()").memoryInfo();
  }

  /**
   * Lets kernels on this GPU (its partitions' included) read and write `peer`'s memory directly
   * (NVLink or PCIe peer-to-peer). Throws, naming both GPUs, where the hardware cannot.
   */
  enablePeerAccess(peer: Gpu): void {
    if (!(peer instanceof Gpu) || peer === this) fail("another Gpu", "the peer GPU", peer);
    this.nativeFor("enablePeerAccess()").enablePeerAccess(peer.nativeFor("the peer GPU"));
    this.peers.add(peer);
  }

  /** Whether enablePeerAccess(peer) was called (and so kernels may address peer's memory). */
  canAddress(peer: Gpu): boolean {
    return peer === this || this.peers.has(peer);
  }

  /** Waits for all work queued on this GPU, its partitions included. */
  synchronize(): void {
    this.nativeFor("synchronize()").synchronize();
  }

  override toString(): string {
    return `GPU ${this.ordinal} (${this.info.name})`;
  }
}
