// Checks the addon's hand-written declarations (native/src/*_api.h) against the real headers.
// Compiled, never linked, by test/native/declarations.test.ts:
//   g++ -std=c++20 -fsyntax-only -I native/src -I <headers> -DCHECK_<LIBRARY> this-file
// with one of CHECK_CUDA_DRIVER (cuda.h), CHECK_CUBLAS (cublas_v2.h), CHECK_CUBLASLT (cublasLt.h), CHECK_NCCL (nccl.h),
// CHECK_NVRTC (nvrtc.h), CHECK_NVML (nvml.h), CHECK_CUPTI (cupti.h). Every static_assert names what differs.
#include <array>
#include <cstddef>
#include <type_traits>

namespace {

// A value's shape as the C ABI sees it: its size, and whether it is a pointer or floating point.
template <typename T>
constexpr int AbiShape() {
  if constexpr (std::is_void_v<T>) {
    return 0;
  } else {
    return static_cast<int>(sizeof(T)) * 4 + (std::is_pointer_v<T> ? 1 : 0) + (std::is_floating_point_v<T> ? 2 : 0);
  }
}

template <typename Function>
struct Signature;

template <typename Result, typename... Parameters>
struct Signature<Result (*)(Parameters...)> {
  static constexpr std::array<int, sizeof...(Parameters) + 1> shape{AbiShape<Result>(), AbiShape<Parameters>()...};
};

// The address of a header function: deduced for plain functions; an overloaded one (cuBLAS adds
// C++ overloads) is picked by a non-template Address overload declared in its library's section.
template <typename Function>
constexpr Function Address(Function function) {
  return function;
}

constexpr bool SameText(const char* a, const char* b) {
  while (*a != '\0' && *a == *b) ++a, ++b;
  return *a == *b;
}

}  // namespace

#define EXPANDED_NAME(api) NAME_OF(api)
#define NAME_OF(api) #api

// The header's macros map the API name to the exported symbol we dlsym, and the real function has
// the same parameter list (count, sizes, pointer and float positions) as our declaration.
#define CHECK_FUNCTION(api, symbol, result, parameters)                                        \
  static_assert(SameText(EXPANDED_NAME(api), symbol),                                          \
                #api " is exported as " EXPANDED_NAME(api) ", not as " symbol);                 \
  static_assert(Signature<decltype(Address(&::api))>::shape == Signature<result(*) parameters>::shape, \
                "the parameters of " #api " differ from the header's");

#define CHECK_SAME(ours, theirs) \
  static_assert(static_cast<long long>(ours) == static_cast<long long>(theirs), #ours " differs from " #theirs);

#define CHECK_FIELD(ours, field, theirs) \
  static_assert(offsetof(ours, field) == offsetof(theirs, field), "offset of " #theirs "::" #field " differs");

#if defined(CHECK_CUDA_DRIVER)
#include <cuda.h>

#include "cuda_driver_api.h"

namespace nanoweave::cu {
NANOWEAVE_CUDA_DRIVER_REQUIRED(CHECK_FUNCTION)
NANOWEAVE_CUDA_DRIVER_GREEN_CONTEXTS(CHECK_FUNCTION)
CHECK_SAME(sizeof(Device), sizeof(CUdevice))
CHECK_SAME(sizeof(DevicePtr), sizeof(CUdeviceptr))
CHECK_SAME(kSuccess, CUDA_SUCCESS)
CHECK_SAME(kErrorNotReady, CUDA_ERROR_NOT_READY)
CHECK_SAME(kErrorNotSupported, CUDA_ERROR_NOT_SUPPORTED)
CHECK_SAME(kErrorPeerAccessAlreadyEnabled, CUDA_ERROR_PEER_ACCESS_ALREADY_ENABLED)
CHECK_SAME(DeviceAttribute::MaxThreadsPerBlock, CU_DEVICE_ATTRIBUTE_MAX_THREADS_PER_BLOCK)
CHECK_SAME(DeviceAttribute::MultiprocessorCount, CU_DEVICE_ATTRIBUTE_MULTIPROCESSOR_COUNT)
CHECK_SAME(DeviceAttribute::L2CacheSize, CU_DEVICE_ATTRIBUTE_L2_CACHE_SIZE)
CHECK_SAME(DeviceAttribute::ComputeCapabilityMajor, CU_DEVICE_ATTRIBUTE_COMPUTE_CAPABILITY_MAJOR)
CHECK_SAME(DeviceAttribute::ComputeCapabilityMinor, CU_DEVICE_ATTRIBUTE_COMPUTE_CAPABILITY_MINOR)
CHECK_SAME(DeviceAttribute::MaxSharedMemoryPerBlockOptin, CU_DEVICE_ATTRIBUTE_MAX_SHARED_MEMORY_PER_BLOCK_OPTIN)
CHECK_SAME(FunctionAttribute::MaxThreadsPerBlock, CU_FUNC_ATTRIBUTE_MAX_THREADS_PER_BLOCK)
CHECK_SAME(FunctionAttribute::SharedSizeBytes, CU_FUNC_ATTRIBUTE_SHARED_SIZE_BYTES)
CHECK_SAME(FunctionAttribute::LocalSizeBytes, CU_FUNC_ATTRIBUTE_LOCAL_SIZE_BYTES)
CHECK_SAME(FunctionAttribute::NumRegs, CU_FUNC_ATTRIBUTE_NUM_REGS)
CHECK_SAME(FunctionAttribute::MaxDynamicSharedSizeBytes, CU_FUNC_ATTRIBUTE_MAX_DYNAMIC_SHARED_SIZE_BYTES)
CHECK_SAME(kStreamNonBlocking, CU_STREAM_NON_BLOCKING)
CHECK_SAME(kEventDefault, CU_EVENT_DEFAULT)
CHECK_SAME(kEventDisableTiming, CU_EVENT_DISABLE_TIMING)
CHECK_SAME(kStreamCaptureModeGlobal, CU_STREAM_CAPTURE_MODE_GLOBAL)
CHECK_SAME(kStreamCaptureModeThreadLocal, CU_STREAM_CAPTURE_MODE_THREAD_LOCAL)
CHECK_SAME(kStreamCaptureModeRelaxed, CU_STREAM_CAPTURE_MODE_RELAXED)
CHECK_SAME(kDevResourceTypeSm, CU_DEV_RESOURCE_TYPE_SM)
CHECK_SAME(kSmSplitIgnoreCoscheduling, CU_DEV_SM_RESOURCE_SPLIT_IGNORE_SM_COSCHEDULING)
CHECK_SAME(kGreenContextDefaultStream, CU_GREEN_CTX_DEFAULT_STREAM)
CHECK_SAME(sizeof(DevResource), sizeof(CUdevResource))
CHECK_SAME(sizeof(DevSmResource), sizeof(CUdevSmResource))
CHECK_FIELD(DevResource, type, CUdevResource)
CHECK_FIELD(DevResource, sm, CUdevResource)
CHECK_FIELD(DevSmResource, smCount, CUdevSmResource)
CHECK_FIELD(DevSmResource, minSmPartitionSize, CUdevSmResource)
CHECK_FIELD(DevSmResource, smCoscheduledAlignment, CUdevSmResource)
}  // namespace nanoweave::cu
#endif

#if defined(CHECK_CUBLAS)
#include <cublas_v2.h>

#include "cublas_api.h"

namespace {
// cublas_api.h overloads cublasGemmEx in C++ with an older form whose computeType is a
// cudaDataType; the exported C symbol we load takes a cublasComputeType_t.
using CublasGemmEx = cublasStatus_t (*)(cublasHandle_t, cublasOperation_t, cublasOperation_t, int, int, int,
                                        const void*, const void*, cudaDataType, int, const void*, cudaDataType,
                                        int, const void*, void*, cudaDataType, int, cublasComputeType_t,
                                        cublasGemmAlgo_t);
constexpr CublasGemmEx Address(CublasGemmEx function) { return function; }
}  // namespace

namespace nanoweave::cublas {
NANOWEAVE_CUBLAS_FUNCTIONS(CHECK_FUNCTION)
CHECK_SAME(kSuccess, CUBLAS_STATUS_SUCCESS)
CHECK_SAME(kOpN, CUBLAS_OP_N)
CHECK_SAME(kOpT, CUBLAS_OP_T)
CHECK_SAME(kDataTypeFloat32, CUDA_R_32F)
CHECK_SAME(kDataTypeBfloat16, CUDA_R_16BF)
CHECK_SAME(kComputeFloat32, CUBLAS_COMPUTE_32F)
CHECK_SAME(kGemmDefault, CUBLAS_GEMM_DEFAULT)
CHECK_SAME(kPropertyMajor, MAJOR_VERSION)
CHECK_SAME(kPropertyMinor, MINOR_VERSION)
CHECK_SAME(kPropertyPatch, PATCH_LEVEL)
}  // namespace nanoweave::cublas
#endif

#if defined(CHECK_CUBLASLT)
#include <cublas_v2.h>  // cublasLt.h uses cublasStatus_t without including its header
#include <cublasLt.h>

#include "cublaslt_api.h"

namespace nanoweave::cublaslt {
NANOWEAVE_CUBLASLT_FUNCTIONS(CHECK_FUNCTION)
CHECK_SAME(kSuccess, CUBLAS_STATUS_SUCCESS)
CHECK_SAME(kDescTransA, CUBLASLT_MATMUL_DESC_TRANSA)
CHECK_SAME(kDescTransB, CUBLASLT_MATMUL_DESC_TRANSB)
CHECK_SAME(kDescSmCountTarget, CUBLASLT_MATMUL_DESC_SM_COUNT_TARGET)
CHECK_SAME(kPrefMaxWorkspaceBytes, CUBLASLT_MATMUL_PREF_MAX_WORKSPACE_BYTES)
CHECK_SAME(kConfigId, CUBLASLT_ALGO_CONFIG_ID)
CHECK_SAME(kConfigTileId, CUBLASLT_ALGO_CONFIG_TILE_ID)
CHECK_SAME(kConfigSplitK, CUBLASLT_ALGO_CONFIG_SPLITK_NUM)
CHECK_SAME(kConfigCtaSwizzling, CUBLASLT_ALGO_CONFIG_CTA_SWIZZLING)
CHECK_SAME(kConfigStagesId, CUBLASLT_ALGO_CONFIG_STAGES_ID)
CHECK_SAME(kConfigClusterShapeId, CUBLASLT_ALGO_CONFIG_CLUSTER_SHAPE_ID)
CHECK_SAME(kCapCtaSwizzlingSupport, CUBLASLT_ALGO_CAP_CTA_SWIZZLING_SUPPORT)
CHECK_SAME(kCapTileIds, CUBLASLT_ALGO_CAP_TILE_IDS)
CHECK_SAME(kCapStagesIds, CUBLASLT_ALGO_CAP_STAGES_IDS)
CHECK_SAME(sizeof(MatmulAlgo), sizeof(cublasLtMatmulAlgo_t))
CHECK_SAME(sizeof(HeuristicResult), sizeof(cublasLtMatmulHeuristicResult_t))
CHECK_FIELD(HeuristicResult, algo, cublasLtMatmulHeuristicResult_t)
CHECK_FIELD(HeuristicResult, workspaceSize, cublasLtMatmulHeuristicResult_t)
CHECK_FIELD(HeuristicResult, state, cublasLtMatmulHeuristicResult_t)
CHECK_FIELD(HeuristicResult, wavesCount, cublasLtMatmulHeuristicResult_t)
}  // namespace nanoweave::cublaslt
#endif

#if defined(CHECK_NCCL)
#include <nccl.h>

#include "nccl_api.h"

namespace nanoweave::nccl {
NANOWEAVE_NCCL_FUNCTIONS(CHECK_FUNCTION)
CHECK_SAME(kSuccess, ncclSuccess)
CHECK_SAME(kInProgress, ncclInProgress)
CHECK_SAME(kDataTypeFloat32, ncclFloat32)
CHECK_SAME(kDataTypeBfloat16, ncclBfloat16)
CHECK_SAME(kRedOpSum, ncclSum)
CHECK_SAME(sizeof(UniqueId), sizeof(ncclUniqueId))
CHECK_SAME(kConfigVersion, NCCL_VERSION(2, 17, 0))
static_assert(NCCL_VERSION_CODE >= NCCL_VERSION(2, 17, 0), "maxCTAs needs NCCL 2.17 or later");
static_assert(sizeof(Config) <= sizeof(ncclConfig_t), "our ncclConfig_t prefix is longer than the header's");
CHECK_FIELD(Config, size, ncclConfig_t)
CHECK_FIELD(Config, magic, ncclConfig_t)
CHECK_FIELD(Config, version, ncclConfig_t)
CHECK_FIELD(Config, blocking, ncclConfig_t)
CHECK_FIELD(Config, cgaClusterSize, ncclConfig_t)
CHECK_FIELD(Config, minCTAs, ncclConfig_t)
CHECK_FIELD(Config, maxCTAs, ncclConfig_t)
CHECK_FIELD(Config, netName, ncclConfig_t)
// Our defaults are NCCL_CONFIG_INITIALIZER's, field by field.
constexpr ncclConfig_t kInitializer = NCCL_CONFIG_INITIALIZER;
constexpr Config kDefaults = DefaultConfig();
CHECK_SAME(kDefaults.magic, kInitializer.magic)
CHECK_SAME(kDefaults.blocking, kInitializer.blocking)
CHECK_SAME(kDefaults.cgaClusterSize, kInitializer.cgaClusterSize)
CHECK_SAME(kDefaults.minCTAs, kInitializer.minCTAs)
CHECK_SAME(kDefaults.maxCTAs, kInitializer.maxCTAs)
CHECK_SAME(kConfigUndefinedInt, NCCL_CONFIG_UNDEF_INT)
static_assert(kDefaults.netName == nullptr && kInitializer.netName == nullptr, "netName defaults differ");
}  // namespace nanoweave::nccl
#endif

#if defined(CHECK_NVRTC)
#include <nvrtc.h>

#include "nvrtc_api.h"

namespace nanoweave::nvrtc {
NANOWEAVE_NVRTC_FUNCTIONS(CHECK_FUNCTION)
CHECK_SAME(kSuccess, NVRTC_SUCCESS)
}  // namespace nanoweave::nvrtc
#endif

#if defined(CHECK_NVML)
#include <nvml.h>

#include "nvml_api.h"

namespace nanoweave::nvml {
NANOWEAVE_NVML_FUNCTIONS(CHECK_FUNCTION)
CHECK_SAME(kSuccess, NVML_SUCCESS)
CHECK_SAME(kClockSm, NVML_CLOCK_SM)
CHECK_SAME(kPerfPolicyPower, NVML_PERF_POLICY_POWER)
CHECK_SAME(kPerfPolicyThermal, NVML_PERF_POLICY_THERMAL)
CHECK_SAME(kVersionBufferSize, NVML_SYSTEM_NVML_VERSION_BUFFER_SIZE)
CHECK_SAME(sizeof(ViolationTime), sizeof(nvmlViolationTime_t))
CHECK_FIELD(ViolationTime, referenceTime, nvmlViolationTime_t)
CHECK_FIELD(ViolationTime, violationTime, nvmlViolationTime_t)
CHECK_SAME(sizeof(Device), sizeof(nvmlDevice_t))
}  // namespace nanoweave::nvml
#endif

#if defined(CHECK_CUPTI)
#include <cupti.h>

#include "cupti_api.h"

namespace nanoweave::cupti {
NANOWEAVE_CUPTI_FUNCTIONS(CHECK_FUNCTION)
CHECK_SAME(kSuccess, CUPTI_SUCCESS)
CHECK_SAME(kErrorMaxLimitReached, CUPTI_ERROR_MAX_LIMIT_REACHED)
CHECK_SAME(kActivityKindConcurrentKernel, CUPTI_ACTIVITY_KIND_CONCURRENT_KERNEL)
CHECK_SAME(kActivityFlagFlushForced, CUPTI_ACTIVITY_FLAG_FLUSH_FORCED)
CHECK_SAME(sizeof(Result), sizeof(CUptiResult))
CHECK_SAME(sizeof(ActivityKind), sizeof(CUpti_ActivityKind))
static_assert(kFirstApiVersion <= CUPTI_API_VERSION && CUPTI_API_VERSION <= kLastApiVersion,
              "the kernel record layout is checked against another CUPTI major");
CHECK_FIELD(Activity, kind, CUpti_Activity)
CHECK_FIELD(KernelRecord, kind, CUpti_ActivityKernel10)
CHECK_FIELD(KernelRecord, start, CUpti_ActivityKernel10)
CHECK_FIELD(KernelRecord, end, CUpti_ActivityKernel10)
CHECK_FIELD(KernelRecord, deviceId, CUpti_ActivityKernel10)
CHECK_FIELD(KernelRecord, correlationId, CUpti_ActivityKernel10)
CHECK_FIELD(KernelRecord, name, CUpti_ActivityKernel10)
CHECK_FIELD(KernelRecord, sharedMemoryExecuted, CUpti_ActivityKernel10)
CHECK_FIELD(KernelRecord, graphNodeId, CUpti_ActivityKernel10)
CHECK_SAME(sizeof(cu::Context), sizeof(CUcontext))
}  // namespace nanoweave::cupti
#endif
