/**
 * The native addon's whole surface, as native/src/addon.cc exports it. This is the one place its
 * shape is written in TypeScript; runtime/gpu wraps it with argument checks, since the C++ side
 * trusts what it is given (it refuses wrong or disposed objects, but checks no ranges).
 *
 * Sizes and offsets are bytes unless a name says otherwise. Every call may throw an Error with the
 * NativeErrorFields below.
 */

/** What the addon adds to the Errors it throws. */
export interface NativeErrorFields {
  /** call-failed: a library call returned an error; library-missing: a library was not found;
   * symbol-missing: it lacks an entry point (too old); misuse: a wrong or disposed object. */
  kind: "call-failed" | "library-missing" | "symbol-missing" | "misuse";
  /** "CUDA driver", "cuBLAS", "NCCL", "NVRTC", "NVML" or "CUPTI". */
  library?: string;
  /** The failing call, e.g. "cuMemAlloc". */
  call?: string;
  /** The library's numeric error code (call-failed). */
  code?: number;
  /** Its name, e.g. "CUDA_ERROR_OUT_OF_MEMORY" (call-failed). */
  codeName?: string;
  /** The library's own message for the code (call-failed). */
  libraryMessage?: string;
  /** More text: NVRTC's compile log, NCCL's last error. */
  detail?: string;
  /** What the missing library is used for. */
  neededFor?: string;
  /** Every path tried, each with why it failed (library-missing). */
  searched?: string[];
}

export type LibraryName = "cuda" | "cublas" | "nccl" | "nvrtc" | "nvml" | "cupti";

export interface NativeLibraryInfo {
  path: string;
  /** cuda: the CUDA version the driver supports ("13.0"); others: the library's own version. */
  version: string;
  /** nvrtc only: the compute capabilities it can compile for, e.g. 90 for sm_90. */
  architectures?: number[];
}

export interface NativeDeviceInfo {
  ordinal: number;
  name: string;
  pciBusId: string;
  totalMemoryBytes: number;
  smCount: number;
  computeCapability: { major: number; minor: number };
  l2CacheBytes: number;
  maxSharedMemoryPerBlockOptin: number;
  maxThreadsPerBlock: number;
}

export interface NativeGreenContextSupport {
  supported: boolean;
  /** Why not, when unsupported. */
  reason?: string;
  smCount?: number;
  /** Smallest partition the driver makes (0: the driver does not say). */
  minPartitionSms?: number;
  /** Partitions are multiples of this many SMs (0: the driver does not say). */
  alignment?: number;
  /** The device split into the smallest unit groups: how many groups, of how many SMs, and the SMs left over. */
  groupCount?: number;
  groupSms?: number;
  leftoverSms?: number;
}

/** One NVML reading of a GPU: counters to difference across some work, and values of the moment. */
export interface NativeGpuPower {
  /** Energy used since the driver loaded. */
  energyMillijoules: number;
  /** The power limit the GPU enforces now. */
  powerLimitMilliwatts: number;
  /** Power draw as NVML reports it (averaged by the driver over its own window). */
  powerDrawMilliwatts: number;
  smClockMhz: number;
  /** Time the power limiter has held the clocks down, since the driver loaded. */
  powerCappedNs: number;
  /** Time the thermal limiter has held the clocks down. */
  thermalCappedNs: number;
  /** NVML's CPU timestamp of this reading, to difference against powerCappedNs. */
  readAtUs: number;
}

/** Every native object: dispose() is idempotent and releases this object's hold on its resource. */
export interface NativeDisposable {
  dispose(): void;
  readonly disposed: boolean;
}

export interface NativeDevice extends NativeDisposable {
  readonly ordinal: number;
  allocate(bytes: number): NativeDeviceBuffer;
  /** A plain non-blocking stream; lower priority numbers run first. */
  createStream(priority: number): NativeStream;
  createEvent(timing: boolean): NativeEvent;
  /**
   * One partition per size, carved in order, then the remainder if asked. Needs green contexts.
   * remainderGroups: unit groups (indices below groupCount) the remainder takes besides the leftover
   * SMs; the sized partitions then take the others in order.
   */
  createGreenPartitions(sizes: number[], includeRemainder: boolean, ignoreCoscheduling: boolean, remainderGroups: number[]): NativeGreenPartition[];
  createCublas(smCountTarget: number, workspaceBytes: number): NativeCublasHandle;
  /** Loads a cubin (or NUL-free PTX text) image. */
  loadKernelLibrary(image: Uint8Array): NativeKernelLibrary;
  memoryInfo(): { freeBytes: number; totalBytes: number };
  /** Waits for all work on the device, its partitions included. */
  synchronize(): void;
  /** Lets this device's copies and kernels address peer's memory; throws where the hardware cannot. */
  enablePeerAccess(peer: NativeDevice): void;
}

export interface NativeDeviceBuffer extends NativeDisposable {
  readonly byteLength: number;
  readonly address: bigint;
  /** Synchronous host-to-device copy of all of source's bytes. */
  upload(byteOffset: number, source: ArrayBufferView): void;
  /** Synchronous device-to-host copy filling all of target. */
  download(byteOffset: number, target: ArrayBufferView): void;
  /** Asynchronous memset of count elements of elementBytes each to bitPattern. */
  fill(byteOffset: number, count: number, elementBytes: 1 | 2 | 4, bitPattern: number, stream: NativeStream): void;
  /** Asynchronous device-to-device copy. */
  copyFrom(source: NativeDeviceBuffer, sourceByteOffset: number, byteOffset: number, bytes: number, stream: NativeStream): void;
}

export interface NativeStream extends NativeDisposable {
  readonly inGreenPartition: boolean;
  synchronize(): void;
  /** True when all work queued so far has finished. */
  isIdle(): boolean;
  waitEvent(event: NativeEvent): void;
  /** mode: 0 global, 1 thread-local, 2 relaxed (cudaStreamCaptureMode). */
  beginCapture(mode: 0 | 1 | 2): void;
  endCapture(): NativeCudaGraph;
  /** While capturing: the kernel nodes in the graph being captured so far (over all its streams). */
  capturedKernelNodes(): number;
}

export interface NativeEvent extends NativeDisposable {
  record(stream: NativeStream): void;
  synchronize(): void;
  isComplete(): boolean;
  /** GPU milliseconds from start to this event; both recorded, completed and timing-enabled. */
  elapsedMsSince(start: NativeEvent): number;
}

export interface NativeGreenPartition extends NativeDisposable {
  /** The SM count granted, read back from the green context. */
  readonly smCount: number;
  createStream(priority: number): NativeStream;
}

export interface NativeCublasHandle extends NativeDisposable {
  /** Read back from cuBLAS; 0 means all SMs. */
  readonly smCountTarget: number;
  setSmCountTarget(smCount: number): void;
  /**
   * Row-major C[m,n] = alpha·A[m,k]·B[n,k]^T + beta·C with bf16 A and B, fp32 accumulation, C bf16
   * or fp32 (cFloat32). lda/ldb/ldc are row strides in elements. With an algorithm (one of
   * gemmAlgorithms' hex strings) cuBLASLt runs that one; without, cuBLAS's heuristic picks.
   */
  gemm(
    stream: NativeStream,
    a: NativeDeviceBuffer, aByteOffset: number,
    b: NativeDeviceBuffer, bByteOffset: number,
    c: NativeDeviceBuffer, cByteOffset: number,
    m: number, n: number, k: number,
    lda: number, ldb: number, ldc: number,
    cFloat32: boolean, alpha: number, beta: number,
    algorithm?: string,
  ): void;
  /** The algorithms cuBLASLt can run for this shape at the handle's SM count target within its workspace: up to heuristicCount of its heuristic's picks first. */
  gemmAlgorithms(m: number, n: number, k: number, lda: number, ldb: number, ldc: number, cFloat32: boolean, heuristicCount: number): NativeGemmAlgorithm[];
}

/** One cuBLASLt algorithm configuration; -1 where cuBLASLt does not report a field. */
export interface NativeGemmAlgorithm {
  /** cublasLtMatmulAlgo_t as 128 hex digits: valid with the cuBLAS version that listed it. */
  algorithm: string;
  workspaceBytes: number;
  /** One of cuBLASLt's heuristic picks (listed first, in its order). */
  fromHeuristic: boolean;
  id: number;
  /** cublasLtMatmulTile_t, cublasLtMatmulStages_t, cublasLtClusterShape_t values. */
  tile: number;
  stages: number;
  splitK: number;
  swizzle: number;
  cluster: number;
}

export interface NativeKernelLibrary extends NativeDisposable {
  /** The extern "C" kernel of that name. */
  getKernel(name: string): NativeKernel;
}

/** Launch argument kinds, numbered as native/src/kernel_library.cc reads them. */
export const KernelArgKind = { Pointer: 0, Int32: 1, Uint32: 2, Float32: 3, Int64: 4 } as const;

export type NativeKernelArg =
  | readonly [typeof KernelArgKind.Pointer, NativeDeviceBuffer, number]
  | readonly [typeof KernelArgKind.Int32 | typeof KernelArgKind.Uint32 | typeof KernelArgKind.Float32, number]
  | readonly [typeof KernelArgKind.Int64, bigint];

export interface NativeKernelAttributes {
  registersPerThread: number;
  staticSharedBytes: number;
  localBytesPerThread: number;
  maxThreadsPerBlock: number;
  maxDynamicSharedBytes: number;
}

export type Dim3 = readonly [number, number, number];

export interface NativeKernel extends NativeDisposable {
  readonly name: string;
  attributes(): NativeKernelAttributes;
  /** Needed before a launch asks for more than 48 KiB of dynamic shared memory. */
  setMaxDynamicSharedMemory(bytes: number): void;
  launch(stream: NativeStream, grid: Dim3, block: Dim3, dynamicSharedBytes: number, args: readonly NativeKernelArg[]): void;
}

export interface NativeCudaGraph extends NativeDisposable {
  launch(stream: NativeStream): void;
}

export interface NativeAllReduceOp {
  rank: number;
  send: NativeDeviceBuffer;
  sendByteOffset: number;
  receive: NativeDeviceBuffer;
  receiveByteOffset: number;
  /** Elements, not bytes. */
  count: number;
  /** bf16 when true, fp32 otherwise. */
  bfloat16: boolean;
  stream: NativeStream;
}

export interface NativeNcclCommunicators extends NativeDisposable {
  readonly size: number;
  /** Sum over ranks; one op per rank, issued as one NCCL group. */
  allReduce(ops: readonly NativeAllReduceOp[]): void;
}

/** Every kernel CUPTI recorded between startKernelActivity() and stopKernelActivity(), one entry per kernel. */
export interface NativeKernelActivity {
  /** Nanoseconds from the earliest start (the GPUs' global timer). */
  startNs: Float64Array;
  endNs: Float64Array;
  /** The device ordinal it ran on. */
  device: Uint32Array;
  /** CUPTI's id of the graph node that ran it; 0n outside CUDA graphs. */
  graphNode: BigUint64Array;
  /** The kernel's (mangled) name. */
  name: string[];
}

export interface NanoweaveAddon {
  openDevice(ordinal: number): NativeDevice;
  listDevices(): NativeDeviceInfo[];
  libraryInfo(name: LibraryName): NativeLibraryInfo;
  librarySearchDirectories(): string[];
  greenContextSupport(ordinal: number): NativeGreenContextSupport;
  /** Through NVML, for the GPU at this PCI bus id (NativeDeviceInfo.pciBusId). */
  readGpuPower(pciBusId: string): NativeGpuPower;
  /** NVRTC, off the JS thread. Rejects with an NVRTC error whose detail holds the log. */
  compileProgram(source: string, name: string, options: readonly string[]): Promise<{ image: Uint8Array; log: string }>;
  /** Rank i on devices[i]; NCCL init off the JS thread. */
  createNcclCommunicators(devices: readonly NativeDevice[], options: { maxCTAs?: number; minCTAs?: number }): Promise<NativeNcclCommunicators>;
  /** Through CUPTI (process-wide, one recording at a time): throws where CUPTI is missing. */
  startKernelActivity(): void;
  /** Ends the recording; throws if CUPTI dropped or could not time any kernel. */
  stopKernelActivity(): NativeKernelActivity;
}
