// The few CUDA driver API types, constants and entry points the addon uses, declared by hand so
// the addon builds without CUDA headers. native/checks/declarations_match_headers.cc checks every
// one of them against the real cuda.h wherever it exists.
#pragma once

#include <cstddef>
#include <string>

namespace nanoweave::cu {

using Result = int;  // CUresult
using Device = int;  // CUdevice
using DevicePtr = unsigned long long;  // CUdeviceptr
using Context = struct CUctx_st*;
using Stream = struct CUstream_st*;
using Event = struct CUevent_st*;
using Library = struct CUlib_st*;
using Kernel = struct CUkern_st*;
using Function = struct CUfunc_st*;
using Graph = struct CUgraph_st*;
using GraphExec = struct CUgraphExec_st*;
using GraphNode = struct CUgraphNode_st*;
using GraphEdgeData = struct CUgraphEdgeData_st;
using GreenContext = struct CUgreenCtx_st*;
using DevResourceDesc = struct CUdevResourceDesc_st*;

constexpr Result kSuccess = 0;            // CUDA_SUCCESS
constexpr Result kErrorNotReady = 600;    // CUDA_ERROR_NOT_READY
constexpr Result kErrorNotSupported = 801;  // CUDA_ERROR_NOT_SUPPORTED
constexpr Result kErrorPeerAccessAlreadyEnabled = 704;  // CUDA_ERROR_PEER_ACCESS_ALREADY_ENABLED

// CUdevice_attribute values read by the addon.
enum class DeviceAttribute : int {
  MaxThreadsPerBlock = 1,
  MultiprocessorCount = 16,
  L2CacheSize = 38,
  ComputeCapabilityMajor = 75,
  ComputeCapabilityMinor = 76,
  MaxSharedMemoryPerBlockOptin = 97,
};

// CUfunction_attribute values read or set by the addon.
enum class FunctionAttribute : int {
  MaxThreadsPerBlock = 0,
  SharedSizeBytes = 1,
  LocalSizeBytes = 3,
  NumRegs = 4,
  MaxDynamicSharedSizeBytes = 8,
};

constexpr unsigned int kStreamNonBlocking = 0x1;     // CU_STREAM_NON_BLOCKING
constexpr unsigned int kEventDefault = 0x0;          // CU_EVENT_DEFAULT
constexpr unsigned int kEventDisableTiming = 0x2;    // CU_EVENT_DISABLE_TIMING
constexpr int kStreamCaptureModeGlobal = 0;          // CU_STREAM_CAPTURE_MODE_GLOBAL
constexpr int kStreamCaptureModeThreadLocal = 1;     // CU_STREAM_CAPTURE_MODE_THREAD_LOCAL
constexpr int kStreamCaptureModeRelaxed = 2;         // CU_STREAM_CAPTURE_MODE_RELAXED
constexpr int kStreamCaptureStatusActive = 1;        // CU_STREAM_CAPTURE_STATUS_ACTIVE
constexpr int kGraphNodeTypeKernel = 0;              // CU_GRAPH_NODE_TYPE_KERNEL
constexpr int kDevResourceTypeSm = 1;                // CU_DEV_RESOURCE_TYPE_SM
constexpr unsigned int kSmSplitIgnoreCoscheduling = 0x1;  // CU_DEV_SM_RESOURCE_SPLIT_IGNORE_SM_COSCHEDULING
constexpr unsigned int kGreenContextDefaultStream = 0x1;  // CU_GREEN_CTX_DEFAULT_STREAM

// CUdevSmResource (CUDA 13.0 layout; drivers before 12.8 fill only smCount and leave the rest 0).
struct DevSmResource {
  unsigned int smCount;
  unsigned int minSmPartitionSize;
  unsigned int smCoscheduledAlignment;
};

// CUdevResource (RESOURCE_ABI_VERSION 1): a tagged union of 48 bytes after 92 bytes of padding.
struct DevResource {
  int type;
  unsigned char internalPadding[92];
  union {
    DevSmResource sm;
    unsigned char oversize[48];
  };
};

// X(api name as cuda.h spells it, exported symbol, return type, parameters). The symbol is what the
// header's macros turn the name into (cuMemAlloc -> cuMemAlloc_v2); the check TU verifies that.
#define NANOWEAVE_CUDA_DRIVER_REQUIRED(X)                                                          \
  X(cuInit, "cuInit", Result, (unsigned int))                                                     \
  X(cuDriverGetVersion, "cuDriverGetVersion", Result, (int*))                                     \
  X(cuGetErrorName, "cuGetErrorName", Result, (Result, const char**))                             \
  X(cuGetErrorString, "cuGetErrorString", Result, (Result, const char**))                         \
  X(cuDeviceGetCount, "cuDeviceGetCount", Result, (int*))                                         \
  X(cuDeviceGet, "cuDeviceGet", Result, (Device*, int))                                           \
  X(cuDeviceGetName, "cuDeviceGetName", Result, (char*, int, Device))                             \
  X(cuDeviceTotalMem, "cuDeviceTotalMem_v2", Result, (std::size_t*, Device))                      \
  X(cuDeviceGetAttribute, "cuDeviceGetAttribute", Result, (int*, DeviceAttribute, Device))        \
  X(cuDeviceGetPCIBusId, "cuDeviceGetPCIBusId", Result, (char*, int, Device))                     \
  X(cuDevicePrimaryCtxRetain, "cuDevicePrimaryCtxRetain", Result, (Context*, Device))             \
  X(cuDevicePrimaryCtxRelease, "cuDevicePrimaryCtxRelease_v2", Result, (Device))                  \
  X(cuCtxGetCurrent, "cuCtxGetCurrent", Result, (Context*))                                       \
  X(cuCtxSetCurrent, "cuCtxSetCurrent", Result, (Context))                                        \
  X(cuCtxSynchronize, "cuCtxSynchronize", Result, ())                                             \
  X(cuDeviceCanAccessPeer, "cuDeviceCanAccessPeer", Result, (int*, Device, Device))               \
  X(cuCtxEnablePeerAccess, "cuCtxEnablePeerAccess", Result, (Context, unsigned int))              \
  X(cuMemGetInfo, "cuMemGetInfo_v2", Result, (std::size_t*, std::size_t*))                        \
  X(cuMemAlloc, "cuMemAlloc_v2", Result, (DevicePtr*, std::size_t))                               \
  X(cuMemFree, "cuMemFree_v2", Result, (DevicePtr))                                               \
  X(cuMemcpyHtoD, "cuMemcpyHtoD_v2", Result, (DevicePtr, const void*, std::size_t))               \
  X(cuMemcpyDtoH, "cuMemcpyDtoH_v2", Result, (void*, DevicePtr, std::size_t))                     \
  X(cuMemcpyDtoDAsync, "cuMemcpyDtoDAsync_v2", Result, (DevicePtr, DevicePtr, std::size_t, Stream)) \
  X(cuMemsetD8Async, "cuMemsetD8Async", Result, (DevicePtr, unsigned char, std::size_t, Stream))   \
  X(cuMemsetD16Async, "cuMemsetD16Async", Result, (DevicePtr, unsigned short, std::size_t, Stream)) \
  X(cuMemsetD32Async, "cuMemsetD32Async", Result, (DevicePtr, unsigned int, std::size_t, Stream))  \
  X(cuStreamCreateWithPriority, "cuStreamCreateWithPriority", Result, (Stream*, unsigned int, int)) \
  X(cuStreamDestroy, "cuStreamDestroy_v2", Result, (Stream))                                      \
  X(cuStreamSynchronize, "cuStreamSynchronize", Result, (Stream))                                 \
  X(cuStreamQuery, "cuStreamQuery", Result, (Stream))                                             \
  X(cuStreamWaitEvent, "cuStreamWaitEvent", Result, (Stream, Event, unsigned int))                \
  X(cuEventCreate, "cuEventCreate", Result, (Event*, unsigned int))                               \
  X(cuEventDestroy, "cuEventDestroy_v2", Result, (Event))                                         \
  X(cuEventRecord, "cuEventRecord", Result, (Event, Stream))                                      \
  X(cuEventSynchronize, "cuEventSynchronize", Result, (Event))                                    \
  X(cuEventQuery, "cuEventQuery", Result, (Event))                                                \
  X(cuEventElapsedTime, "cuEventElapsedTime_v2", Result, (float*, Event, Event))                  \
  X(cuLibraryLoadData, "cuLibraryLoadData", Result,                                               \
    (Library*, const void*, int*, void**, unsigned int, int*, void**, unsigned int))              \
  X(cuLibraryUnload, "cuLibraryUnload", Result, (Library))                                        \
  X(cuLibraryGetKernel, "cuLibraryGetKernel", Result, (Kernel*, Library, const char*))            \
  X(cuKernelGetAttribute, "cuKernelGetAttribute", Result, (int*, FunctionAttribute, Kernel, Device)) \
  X(cuKernelSetAttribute, "cuKernelSetAttribute", Result, (FunctionAttribute, int, Kernel, Device)) \
  X(cuLaunchKernel, "cuLaunchKernel", Result,                                                     \
    (Function, unsigned int, unsigned int, unsigned int, unsigned int, unsigned int,              \
     unsigned int, unsigned int, Stream, void**, void**))                                         \
  X(cuStreamBeginCapture, "cuStreamBeginCapture_v2", Result, (Stream, int))                       \
  X(cuStreamEndCapture, "cuStreamEndCapture", Result, (Stream, Graph*))                           \
  X(cuGraphInstantiate, "cuGraphInstantiateWithFlags", Result, (GraphExec*, Graph, unsigned long long)) \
  X(cuGraphLaunch, "cuGraphLaunch", Result, (GraphExec, Stream))                                  \
  X(cuGraphExecDestroy, "cuGraphExecDestroy", Result, (GraphExec))                               \
  X(cuGraphDestroy, "cuGraphDestroy", Result, (Graph))                                            \
  X(cuStreamGetCaptureInfo, "cuStreamGetCaptureInfo_v3", Result,                                  \
    (Stream, int*, unsigned long long*, Graph*, const GraphNode**, const GraphEdgeData**, std::size_t*)) \
  X(cuGraphGetNodes, "cuGraphGetNodes", Result, (Graph, GraphNode*, std::size_t*))                \
  X(cuGraphNodeGetType, "cuGraphNodeGetType", Result, (GraphNode, int*))

// Green contexts (driver for CUDA 12.4+). Without them partitions fall back to plain streams.
#define NANOWEAVE_CUDA_DRIVER_GREEN_CONTEXTS(X)                                                    \
  X(cuDeviceGetDevResource, "cuDeviceGetDevResource", Result, (Device, DevResource*, int))        \
  X(cuDevSmResourceSplitByCount, "cuDevSmResourceSplitByCount", Result,                           \
    (DevResource*, unsigned int*, const DevResource*, DevResource*, unsigned int, unsigned int))  \
  X(cuDevResourceGenerateDesc, "cuDevResourceGenerateDesc", Result,                               \
    (DevResourceDesc*, DevResource*, unsigned int))                                               \
  X(cuGreenCtxCreate, "cuGreenCtxCreate", Result, (GreenContext*, DevResourceDesc, Device, unsigned int)) \
  X(cuGreenCtxDestroy, "cuGreenCtxDestroy", Result, (GreenContext))                               \
  X(cuGreenCtxGetDevResource, "cuGreenCtxGetDevResource", Result, (GreenContext, DevResource*, int)) \
  X(cuGreenCtxStreamCreate, "cuGreenCtxStreamCreate", Result, (Stream*, GreenContext, unsigned int, int))

struct DriverApi {
#define NANOWEAVE_DRIVER_MEMBER(api, symbol, result, parameters) result(*api) parameters = nullptr;
  NANOWEAVE_CUDA_DRIVER_REQUIRED(NANOWEAVE_DRIVER_MEMBER)
  NANOWEAVE_CUDA_DRIVER_GREEN_CONTEXTS(NANOWEAVE_DRIVER_MEMBER)
#undef NANOWEAVE_DRIVER_MEMBER
  std::string path;
  bool hasGreenContexts = false;
};

// The driver, opened and initialised (cuInit) on first use; throws NativeError when it is missing.
const DriverApi& Driver();

// Throws NativeError::CallFailed with the driver's name and message for any result but success.
void Check(Result result, const char* call);

}  // namespace nanoweave::cu

// Calls a driver entry point and checks its result: CU_CALL(cuMemAlloc, &pointer, bytes).
#define CU_CALL(api, ...) ::nanoweave::cu::Check(::nanoweave::cu::Driver().api(__VA_ARGS__), #api)
