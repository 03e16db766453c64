/** The GPU layer: typed, argument-checked access to the native addon. */
export { bf16BitsToFloat32, float32ToBf16Bits, roundToBf16 } from "./bf16.js";
export { Cublas, type GemmAlgorithm, type GemmArguments } from "./Cublas.js";
export { CudaGraph } from "./CudaGraph.js";
export { DeviceArray, type DevicePointer, type HostArray, type HostSource } from "./DeviceArray.js";
export { bytesPerElement, DTYPES, type DType } from "./dtype.js";
export { Gpu } from "./Gpu.js";
export { GpuEvent } from "./GpuEvent.js";
export { recordKernels, type RecordedKernel } from "./kernelActivity.js";
export { Kernel, KernelModule, type KernelArguments, type KernelParamType, type LaunchConfig } from "./Kernel.js";
export { compileCuda, type CompiledImage, type CompileOptions } from "./KernelCompiler.js";
export { kernelCacheDirectory } from "./kernelCache.js";
export { createNcclCommunicators, NcclCommunicators, type AllReducePart, type NcclOptions } from "./Nccl.js";
export { isNativeError, type NativeError } from "./nativeErrors.js";
export { createSmPartitions, SmPartition, type SmIsolation, type SmPartitionOptions } from "./SmPartitions.js";
export { Stream, type CaptureMode } from "./Stream.js";
export { collectSystemReport, type SystemReport } from "./systemReport.js";
