// The few NVRTC types and entry points the addon uses, declared by hand (checked against nvrtc.h
// by native/checks/declarations_match_headers.cc where the header exists).
#pragma once

#include <cstddef>
#include <string>

namespace nanoweave::nvrtc {

using Result = int;  // nvrtcResult
using Program = struct _nvrtcProgram*;

constexpr Result kSuccess = 0;  // NVRTC_SUCCESS

// X(api name as nvrtc.h spells it, exported symbol, return type, parameters).
#define NANOWEAVE_NVRTC_FUNCTIONS(X)                                                               \
  X(nvrtcVersion, "nvrtcVersion", Result, (int*, int*))                                           \
  X(nvrtcGetErrorString, "nvrtcGetErrorString", const char*, (Result))                            \
  X(nvrtcGetNumSupportedArchs, "nvrtcGetNumSupportedArchs", Result, (int*))                       \
  X(nvrtcGetSupportedArchs, "nvrtcGetSupportedArchs", Result, (int*))                             \
  X(nvrtcCreateProgram, "nvrtcCreateProgram", Result,                                             \
    (Program*, const char*, const char*, int, const char* const*, const char* const*))            \
  X(nvrtcDestroyProgram, "nvrtcDestroyProgram", Result, (Program*))                               \
  X(nvrtcCompileProgram, "nvrtcCompileProgram", Result, (Program, int, const char* const*))       \
  X(nvrtcGetProgramLogSize, "nvrtcGetProgramLogSize", Result, (Program, std::size_t*))            \
  X(nvrtcGetProgramLog, "nvrtcGetProgramLog", Result, (Program, char*))                           \
  X(nvrtcGetCUBINSize, "nvrtcGetCUBINSize", Result, (Program, std::size_t*))                      \
  X(nvrtcGetCUBIN, "nvrtcGetCUBIN", Result, (Program, char*))

struct NvrtcApi {
#define NANOWEAVE_NVRTC_MEMBER(api, symbol, result, parameters) result(*api) parameters = nullptr;
  NANOWEAVE_NVRTC_FUNCTIONS(NANOWEAVE_NVRTC_MEMBER)
#undef NANOWEAVE_NVRTC_MEMBER
  std::string path;
};

// NVRTC, opened on first use; throws NativeError when it is missing.
const NvrtcApi& Nvrtc();

// "13.0" from nvrtcVersion.
std::string NvrtcVersion();

// Throws NativeError::CallFailed with NVRTC's message; detail carries the compile log, if any.
void Check(Result result, const char* call, const std::string& detail = {});

}  // namespace nanoweave::nvrtc

#define NVRTC_CALL(api, ...) \
  ::nanoweave::nvrtc::Check(::nanoweave::nvrtc::Nvrtc().api(__VA_ARGS__), #api)
