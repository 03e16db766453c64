// The few NVML types, constants and entry points the addon uses, declared by hand (checked against
// nvml.h by native/checks/declarations_match_headers.cc where the header exists). NVML ships with
// the driver; the runtime reads power, energy and clocks through it and works without it.
#pragma once

#include <string>

namespace nanoweave::nvml {

using Result = int;  // nvmlReturn_t
using Device = struct nvmlDevice_st*;

constexpr Result kSuccess = 0;          // NVML_SUCCESS
constexpr int kClockSm = 1;             // NVML_CLOCK_SM
constexpr int kPerfPolicyPower = 0;     // NVML_PERF_POLICY_POWER
constexpr int kPerfPolicyThermal = 1;   // NVML_PERF_POLICY_THERMAL
constexpr unsigned kVersionBufferSize = 80;  // NVML_SYSTEM_NVML_VERSION_BUFFER_SIZE

// nvmlViolationTime_t: how long a limiter has held the clocks down, and when that was read.
struct ViolationTime {
  unsigned long long referenceTime;  // CPU timestamp, microseconds
  unsigned long long violationTime;  // nanoseconds
};

// X(api name as nvml.h spells it, exported symbol, return type, parameters).
#define NANOWEAVE_NVML_FUNCTIONS(X)                                                                 \
  X(nvmlInit_v2, "nvmlInit_v2", Result, ())                                                        \
  X(nvmlErrorString, "nvmlErrorString", const char*, (Result))                                     \
  X(nvmlSystemGetNVMLVersion, "nvmlSystemGetNVMLVersion", Result, (char*, unsigned int))           \
  X(nvmlDeviceGetHandleByPciBusId_v2, "nvmlDeviceGetHandleByPciBusId_v2", Result, (const char*, Device*)) \
  X(nvmlDeviceGetTotalEnergyConsumption, "nvmlDeviceGetTotalEnergyConsumption", Result,           \
    (Device, unsigned long long*))                                                                 \
  X(nvmlDeviceGetEnforcedPowerLimit, "nvmlDeviceGetEnforcedPowerLimit", Result, (Device, unsigned int*)) \
  X(nvmlDeviceGetPowerUsage, "nvmlDeviceGetPowerUsage", Result, (Device, unsigned int*))           \
  X(nvmlDeviceGetClockInfo, "nvmlDeviceGetClockInfo", Result, (Device, int, unsigned int*))        \
  X(nvmlDeviceGetViolationStatus, "nvmlDeviceGetViolationStatus", Result, (Device, int, ViolationTime*))

struct NvmlApi {
#define NANOWEAVE_NVML_MEMBER(api, symbol, result, parameters) result(*api) parameters = nullptr;
  NANOWEAVE_NVML_FUNCTIONS(NANOWEAVE_NVML_MEMBER)
#undef NANOWEAVE_NVML_MEMBER
  std::string path;
};

// NVML, opened and initialised on first use; throws NativeError when it is missing or fails to start.
const NvmlApi& Nvml();

// "13.580.159.04" from nvmlSystemGetNVMLVersion.
std::string NvmlVersion();

// Throws NativeError::CallFailed with NVML's message.
void Check(Result result, const char* call);

}  // namespace nanoweave::nvml

#define NVML_CALL(api, ...) ::nanoweave::nvml::Check(::nanoweave::nvml::Nvml().api(__VA_ARGS__), #api)
