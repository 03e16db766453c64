// The few cuBLAS types, constants and entry points the addon uses, declared by hand (checked
// against cublas_v2.h by native/checks/declarations_match_headers.cc where the header exists).
#pragma once

#include <cstddef>
#include <string>

#include "cuda_driver_api.h"

namespace nanoweave::cublas {

using Status = int;  // cublasStatus_t
using Handle = struct cublasContext*;

constexpr Status kSuccess = 0;  // CUBLAS_STATUS_SUCCESS
constexpr int kOpN = 0;         // CUBLAS_OP_N
constexpr int kOpT = 1;         // CUBLAS_OP_T
constexpr int kDataTypeFloat32 = 0;    // CUDA_R_32F
constexpr int kDataTypeBfloat16 = 14;  // CUDA_R_16BF
constexpr int kComputeFloat32 = 68;    // CUBLAS_COMPUTE_32F
constexpr int kGemmDefault = -1;       // CUBLAS_GEMM_DEFAULT
constexpr int kPropertyMajor = 0;      // MAJOR_VERSION (libraryPropertyType)
constexpr int kPropertyMinor = 1;      // MINOR_VERSION
constexpr int kPropertyPatch = 2;      // PATCH_LEVEL

// X(api name as cublas_v2.h spells it, exported symbol, return type, parameters).
#define NANOWEAVE_CUBLAS_FUNCTIONS(X)                                                              \
  X(cublasCreate, "cublasCreate_v2", Status, (Handle*))                                           \
  X(cublasDestroy, "cublasDestroy_v2", Status, (Handle))                                          \
  X(cublasSetStream, "cublasSetStream_v2", Status, (Handle, cu::Stream))                          \
  X(cublasSetWorkspace, "cublasSetWorkspace_v2", Status, (Handle, void*, std::size_t))            \
  X(cublasSetSmCountTarget, "cublasSetSmCountTarget", Status, (Handle, int))                      \
  X(cublasGetSmCountTarget, "cublasGetSmCountTarget", Status, (Handle, int*))                     \
  X(cublasGetProperty, "cublasGetProperty", Status, (int, int*))                                  \
  X(cublasGetStatusName, "cublasGetStatusName", const char*, (Status))                            \
  X(cublasGetStatusString, "cublasGetStatusString", const char*, (Status))                        \
  X(cublasGemmEx, "cublasGemmEx", Status,                                                         \
    (Handle, int, int, int, int, int, const void*, const void*, int, int, const void*, int, int,  \
     const void*, void*, int, int, int, int))

struct CublasApi {
#define NANOWEAVE_CUBLAS_MEMBER(api, symbol, result, parameters) result(*api) parameters = nullptr;
  NANOWEAVE_CUBLAS_FUNCTIONS(NANOWEAVE_CUBLAS_MEMBER)
#undef NANOWEAVE_CUBLAS_MEMBER
  std::string path;
};

// cuBLAS, opened on first use; throws NativeError when it is missing.
const CublasApi& Cublas();

// "13.1.0" from cublasGetProperty.
std::string CublasVersion();

// Throws NativeError::CallFailed with cuBLAS's status name and message.
void Check(Status status, const char* call);

}  // namespace nanoweave::cublas

#define CUBLAS_CALL(api, ...) \
  ::nanoweave::cublas::Check(::nanoweave::cublas::Cublas().api(__VA_ARGS__), #api)
