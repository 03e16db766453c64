// The few NCCL types, constants and entry points the addon uses, declared by hand (checked against
// nccl.h by native/checks/declarations_match_headers.cc where the header exists).
#pragma once

#include <climits>
#include <cstddef>
#include <string>

#include "cuda_driver_api.h"

namespace nanoweave::nccl {

using Result = int;  // ncclResult_t
using Comm = struct ncclComm*;

constexpr Result kSuccess = 0;      // ncclSuccess
constexpr Result kInProgress = 7;   // ncclInProgress
constexpr int kDataTypeFloat32 = 7;   // ncclFloat32
constexpr int kDataTypeBfloat16 = 9;  // ncclBfloat16
constexpr int kRedOpSum = 0;          // ncclSum

struct UniqueId {
  char internal[128];  // NCCL_UNIQUE_ID_BYTES
};

// ncclConfig_t as NCCL 2.17 laid it out: the first fields of every later layout. NCCL reads
// `size` bytes of it and gives the fields a version lacks their defaults, so declaring this
// prefix (with version 2.17.0) works with any NCCL from 2.17 on.
struct Config {
  std::size_t size;
  unsigned int magic;
  unsigned int version;
  int blocking;
  int cgaClusterSize;
  int minCTAs;
  int maxCTAs;
  const char* netName;
};
constexpr unsigned int kConfigMagic = 0xcafebeef;  // NCCL_CONFIG_INITIALIZER's magic
constexpr int kConfigUndefinedInt = INT_MIN;        // NCCL_CONFIG_UNDEF_INT
constexpr unsigned int kConfigVersion = 21700;     // NCCL_VERSION(2, 17, 0)

// A config with every field left to NCCL, as NCCL_CONFIG_INITIALIZER makes it.
constexpr Config DefaultConfig() {
  return Config{sizeof(Config), kConfigMagic, kConfigVersion, kConfigUndefinedInt,
                kConfigUndefinedInt, kConfigUndefinedInt, kConfigUndefinedInt, nullptr};
}

// X(api name as nccl.h spells it, exported symbol, return type, parameters).
#define NANOWEAVE_NCCL_FUNCTIONS(X)                                                                \
  X(ncclGetVersion, "ncclGetVersion", Result, (int*))                                             \
  X(ncclGetUniqueId, "ncclGetUniqueId", Result, (UniqueId*))                                      \
  X(ncclCommInitRankConfig, "ncclCommInitRankConfig", Result, (Comm*, int, UniqueId, int, Config*)) \
  X(ncclCommFinalize, "ncclCommFinalize", Result, (Comm))                                         \
  X(ncclCommDestroy, "ncclCommDestroy", Result, (Comm))                                           \
  X(ncclCommGetAsyncError, "ncclCommGetAsyncError", Result, (Comm, Result*))                      \
  X(ncclGroupStart, "ncclGroupStart", Result, ())                                                 \
  X(ncclGroupEnd, "ncclGroupEnd", Result, ())                                                     \
  X(ncclAllReduce, "ncclAllReduce", Result,                                                       \
    (const void*, void*, std::size_t, int, int, Comm, cu::Stream))                                \
  X(ncclGetErrorString, "ncclGetErrorString", const char*, (Result))                              \
  X(ncclGetLastError, "ncclGetLastError", const char*, (Comm))

struct NcclApi {
#define NANOWEAVE_NCCL_MEMBER(api, symbol, result, parameters) result(*api) parameters = nullptr;
  NANOWEAVE_NCCL_FUNCTIONS(NANOWEAVE_NCCL_MEMBER)
#undef NANOWEAVE_NCCL_MEMBER
  std::string path;
};

// NCCL, opened on first use; throws NativeError when it is missing.
const NcclApi& Nccl();

// "2.28.3" from ncclGetVersion.
std::string NcclVersion();

// Throws NativeError::CallFailed with NCCL's message (and its last-error text when there is one).
void Check(Result result, const char* call);

}  // namespace nanoweave::nccl

#define NCCL_CALL(api, ...) ::nanoweave::nccl::Check(::nanoweave::nccl::Nccl().api(__VA_ARGS__), #api)
