// The few cuBLASLt types, constants and entry points the addon uses, declared by hand (checked
// against cublasLt.h by native/checks/declarations_match_headers.cc where the header exists).
// cuBLASLt picks, configures and runs one GEMM algorithm; cuBLAS's own GEMMs leave the choice to
// its heuristic, which does not know what runs beside a partition.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>

#include "cuda_driver_api.h"

namespace nanoweave::cublaslt {

using Status = int;  // cublasStatus_t
using Handle = struct cublasLtContext*;
struct MatrixLayoutOpaque;
using MatrixLayout = MatrixLayoutOpaque*;
struct MatmulDescOpaque;
using MatmulDesc = MatmulDescOpaque*;
struct PreferenceOpaque;
using Preference = PreferenceOpaque*;

// cublasLtMatmulAlgo_t: a configured algorithm, which the library lets callers store and restore
// for the same cuBLAS version.
struct MatmulAlgo {
  std::uint64_t data[8];
};

// cublasLtMatmulHeuristicResult_t
struct HeuristicResult {
  MatmulAlgo algo;
  std::size_t workspaceSize;
  Status state;
  float wavesCount;
  int reserved[4];
};

constexpr Status kSuccess = 0;                 // CUBLAS_STATUS_SUCCESS
constexpr int kDescTransA = 3;                 // CUBLASLT_MATMUL_DESC_TRANSA
constexpr int kDescTransB = 4;                 // CUBLASLT_MATMUL_DESC_TRANSB
constexpr int kDescSmCountTarget = 15;         // CUBLASLT_MATMUL_DESC_SM_COUNT_TARGET
constexpr int kPrefMaxWorkspaceBytes = 1;      // CUBLASLT_MATMUL_PREF_MAX_WORKSPACE_BYTES
constexpr int kConfigId = 0;                   // CUBLASLT_ALGO_CONFIG_ID
constexpr int kConfigTileId = 1;               // CUBLASLT_ALGO_CONFIG_TILE_ID
constexpr int kConfigSplitK = 2;               // CUBLASLT_ALGO_CONFIG_SPLITK_NUM
constexpr int kConfigCtaSwizzling = 4;         // CUBLASLT_ALGO_CONFIG_CTA_SWIZZLING
constexpr int kConfigStagesId = 6;             // CUBLASLT_ALGO_CONFIG_STAGES_ID
constexpr int kConfigClusterShapeId = 8;       // CUBLASLT_ALGO_CONFIG_CLUSTER_SHAPE_ID
constexpr int kCapCtaSwizzlingSupport = 2;     // CUBLASLT_ALGO_CAP_CTA_SWIZZLING_SUPPORT
constexpr int kCapTileIds = 6;                 // CUBLASLT_ALGO_CAP_TILE_IDS
constexpr int kCapStagesIds = 13;              // CUBLASLT_ALGO_CAP_STAGES_IDS

// X(api name as cublasLt.h spells it, exported symbol, return type, parameters).
#define NANOWEAVE_CUBLASLT_FUNCTIONS(X)                                                                 \
  X(cublasLtCreate, "cublasLtCreate", Status, (Handle*))                                               \
  X(cublasLtDestroy, "cublasLtDestroy", Status, (Handle))                                              \
  X(cublasLtGetStatusName, "cublasLtGetStatusName", const char*, (Status))                             \
  X(cublasLtGetStatusString, "cublasLtGetStatusString", const char*, (Status))                         \
  X(cublasLtMatrixLayoutCreate, "cublasLtMatrixLayoutCreate", Status,                                  \
    (MatrixLayout*, int, std::uint64_t, std::uint64_t, std::int64_t))                                  \
  X(cublasLtMatrixLayoutDestroy, "cublasLtMatrixLayoutDestroy", Status, (MatrixLayout))                \
  X(cublasLtMatmulDescCreate, "cublasLtMatmulDescCreate", Status, (MatmulDesc*, int, int))             \
  X(cublasLtMatmulDescDestroy, "cublasLtMatmulDescDestroy", Status, (MatmulDesc))                      \
  X(cublasLtMatmulDescSetAttribute, "cublasLtMatmulDescSetAttribute", Status,                          \
    (MatmulDesc, int, const void*, std::size_t))                                                       \
  X(cublasLtMatmulPreferenceCreate, "cublasLtMatmulPreferenceCreate", Status, (Preference*))           \
  X(cublasLtMatmulPreferenceDestroy, "cublasLtMatmulPreferenceDestroy", Status, (Preference))          \
  X(cublasLtMatmulPreferenceSetAttribute, "cublasLtMatmulPreferenceSetAttribute", Status,              \
    (Preference, int, const void*, std::size_t))                                                       \
  X(cublasLtMatmulAlgoGetHeuristic, "cublasLtMatmulAlgoGetHeuristic", Status,                          \
    (Handle, MatmulDesc, MatrixLayout, MatrixLayout, MatrixLayout, MatrixLayout, Preference, int,      \
     HeuristicResult*, int*))                                                                          \
  X(cublasLtMatmulAlgoGetIds, "cublasLtMatmulAlgoGetIds", Status,                                      \
    (Handle, int, int, int, int, int, int, int, int*, int*))                                           \
  X(cublasLtMatmulAlgoInit, "cublasLtMatmulAlgoInit", Status,                                          \
    (Handle, int, int, int, int, int, int, int, MatmulAlgo*))                                          \
  X(cublasLtMatmulAlgoCheck, "cublasLtMatmulAlgoCheck", Status,                                        \
    (Handle, MatmulDesc, MatrixLayout, MatrixLayout, MatrixLayout, MatrixLayout, const MatmulAlgo*,    \
     HeuristicResult*))                                                                                \
  X(cublasLtMatmulAlgoCapGetAttribute, "cublasLtMatmulAlgoCapGetAttribute", Status,                    \
    (const MatmulAlgo*, int, void*, std::size_t, std::size_t*))                                        \
  X(cublasLtMatmulAlgoConfigSetAttribute, "cublasLtMatmulAlgoConfigSetAttribute", Status,              \
    (MatmulAlgo*, int, const void*, std::size_t))                                                      \
  X(cublasLtMatmulAlgoConfigGetAttribute, "cublasLtMatmulAlgoConfigGetAttribute", Status,              \
    (const MatmulAlgo*, int, void*, std::size_t, std::size_t*))                                        \
  X(cublasLtMatmul, "cublasLtMatmul", Status,                                                          \
    (Handle, MatmulDesc, const void*, const void*, MatrixLayout, const void*, MatrixLayout,            \
     const void*, const void*, MatrixLayout, void*, MatrixLayout, const MatmulAlgo*, void*,            \
     std::size_t, cu::Stream))

struct CublasLtApi {
#define NANOWEAVE_CUBLASLT_MEMBER(api, symbol, result, parameters) result(*api) parameters = nullptr;
  NANOWEAVE_CUBLASLT_FUNCTIONS(NANOWEAVE_CUBLASLT_MEMBER)
#undef NANOWEAVE_CUBLASLT_MEMBER
  std::string path;
};

// cuBLASLt, opened on first use; throws NativeError when it is missing.
const CublasLtApi& CublasLt();

// Throws NativeError::CallFailed with cuBLASLt's status name and message.
void Check(Status status, const char* call);

}  // namespace nanoweave::cublaslt

#define CUBLASLT_CALL(api, ...) \
  ::nanoweave::cublaslt::Check(::nanoweave::cublaslt::CublasLt().api(__VA_ARGS__), #api)
