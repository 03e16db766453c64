// The few CUPTI types, constants and entry points the addon uses, declared by hand (checked against
// cupti.h by native/checks/declarations_match_headers.cc where the header exists). CUPTI ships with
// the CUDA toolkit; only the co-run trace of `nanoweave run` needs it, and everything else works
// without it.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>

#include "cuda_driver_api.h"

namespace nanoweave::cupti {

using Result = int;        // CUptiResult
using ActivityKind = int;  // CUpti_ActivityKind

constexpr Result kSuccess = 0;                     // CUPTI_SUCCESS
constexpr Result kErrorMaxLimitReached = 12;       // CUPTI_ERROR_MAX_LIMIT_REACHED: no more records
constexpr ActivityKind kActivityKindConcurrentKernel = 10;  // CUPTI_ACTIVITY_KIND_CONCURRENT_KERNEL
constexpr uint32_t kActivityFlagFlushForced = 1;   // CUPTI_ACTIVITY_FLAG_FLUSH_FORCED
// The CUPTI versions whose kernel records have KernelRecord's layout: CUDA 13's
// (cuptiGetVersion; CUPTI_API_VERSION is 130001 in CUDA 13.0).
constexpr uint32_t kFirstApiVersion = 130000;
constexpr uint32_t kLastApiVersion = 139999;

// CUpti_Activity: every record starts with its kind.
struct Activity {
  ActivityKind kind;
};

// CUpti_ActivityKernel10 up to the fields the trace reads, with the same offsets (checked).
struct KernelRecord {
  ActivityKind kind;
  uint8_t cacheConfig;
  uint8_t sharedMemoryConfig;
  uint16_t registersPerThread;
  int partitionedGlobalCacheRequested;
  int partitionedGlobalCacheExecuted;
  uint64_t start;  // ns, the GPU's global timer
  uint64_t end;
  uint64_t completed;
  uint32_t deviceId;  // the device's ordinal
  uint32_t contextId;
  uint32_t streamId;
  int32_t grid[3];
  int32_t block[3];
  int32_t staticSharedMemory;
  int32_t dynamicSharedMemory;
  uint32_t localMemoryPerThread;
  uint32_t localMemoryTotal;
  uint32_t correlationId;
  int64_t gridId;
  const char* name;
  void* reserved0;
  uint64_t queued;
  uint64_t submitted;
  uint8_t launchType;
  uint8_t isSharedMemoryCarveoutRequested;
  uint8_t sharedMemoryCarveoutRequested;
  uint8_t padding;
  uint32_t sharedMemoryExecuted;
  uint64_t graphNodeId;  // 0 outside a CUDA graph
};

using BufferRequested = void (*)(uint8_t** buffer, size_t* size, size_t* maxRecords);
using BufferCompleted = void (*)(cu::Context context, uint32_t streamId, uint8_t* buffer, size_t size,
                                 size_t validSize);

// X(api name as cupti.h spells it, exported symbol, return type, parameters).
#define NANOWEAVE_CUPTI_FUNCTIONS(X)                                                                \
  X(cuptiGetResultString, "cuptiGetResultString", Result, (Result, const char**))                  \
  X(cuptiGetVersion, "cuptiGetVersion", Result, (uint32_t*))                                       \
  X(cuptiActivityRegisterCallbacks, "cuptiActivityRegisterCallbacks", Result,                      \
    (BufferRequested, BufferCompleted))                                                            \
  X(cuptiActivityEnable, "cuptiActivityEnable", Result, (ActivityKind))                            \
  X(cuptiActivityDisable, "cuptiActivityDisable", Result, (ActivityKind))                          \
  X(cuptiActivityFlushAll, "cuptiActivityFlushAll", Result, (uint32_t))                            \
  X(cuptiActivityGetNextRecord, "cuptiActivityGetNextRecord", Result, (uint8_t*, size_t, Activity**)) \
  X(cuptiActivityGetNumDroppedRecords, "cuptiActivityGetNumDroppedRecords", Result,                \
    (cu::Context, uint32_t, size_t*))

struct CuptiApi {
#define NANOWEAVE_CUPTI_MEMBER(api, symbol, result, parameters) result(*api) parameters = nullptr;
  NANOWEAVE_CUPTI_FUNCTIONS(NANOWEAVE_CUPTI_MEMBER)
#undef NANOWEAVE_CUPTI_MEMBER
  std::string path;
  uint32_t version = 0;
};

// CUPTI, opened on first use; throws NativeError when it is missing or of another CUDA major.
const CuptiApi& Cupti();

// "13.0 (API 130001)".
std::string CuptiVersion();

// Throws NativeError::CallFailed with CUPTI's message.
void Check(Result result, const char* call);

}  // namespace nanoweave::cupti

#define CUPTI_CALL(api, ...) ::nanoweave::cupti::Check(::nanoweave::cupti::Cupti().api(__VA_ARGS__), #api)
