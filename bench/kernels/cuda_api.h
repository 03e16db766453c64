// Error checks for the harness's CUDA driver and NVRTC calls: a failure throws, naming the call
// and the library's own code and message.
#pragma once
#include <cuda.h>
#include <nvrtc.h>

#include <stdexcept>
#include <string>

inline void check_cu(CUresult result, const char* call) {
  if (result == CUDA_SUCCESS) return;
  const char* name = "?";
  const char* message = "";
  cuGetErrorName(result, &name);
  cuGetErrorString(result, &message);
  throw std::runtime_error(std::string(call) + ": " + name + " (" + message + ")");
}

inline void check_nvrtc(nvrtcResult result, const char* call) {
  if (result == NVRTC_SUCCESS) return;
  throw std::runtime_error(std::string(call) + ": " + nvrtcGetErrorString(result));
}

#define CU(call) check_cu((call), #call)
#define NVRTC(call) check_nvrtc((call), #call)
