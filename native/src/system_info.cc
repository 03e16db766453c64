#include "system_info.h"

#include <string>
#include <vector>

#include "cublas_api.h"
#include "cuda_driver_api.h"
#include "cupti_api.h"
#include "green_partition.h"
#include "nccl_api.h"
#include "native_error.h"
#include "nvml_api.h"
#include "nvrtc_api.h"
#include "shared_library.h"

namespace nanoweave {

namespace {

std::string DriverCudaVersion() {
  int code = 0;
  CU_CALL(cuDriverGetVersion, &code);
  return std::to_string(code / 1000) + "." + std::to_string(code % 1000 / 10);
}

Napi::Array NvrtcArchitectures(Napi::Env env) {
  int count = 0;
  NVRTC_CALL(nvrtcGetNumSupportedArchs, &count);
  std::vector<int> architectures(count);
  NVRTC_CALL(nvrtcGetSupportedArchs, architectures.data());
  Napi::Array result = Napi::Array::New(env, architectures.size());
  for (size_t i = 0; i < architectures.size(); ++i) result.Set(i, architectures[i]);
  return result;
}

int Attribute(cu::Device device, cu::DeviceAttribute attribute) {
  int value = 0;
  CU_CALL(cuDeviceGetAttribute, &value, attribute, device);
  return value;
}

}  // namespace

Napi::Value LibraryInfo(const Napi::CallbackInfo& info) {
  return GuardJs(info.Env(), [&]() -> Napi::Value {
    const std::string name = info[0].As<Napi::String>().Utf8Value();
    Napi::Object result = Napi::Object::New(info.Env());
    if (name == "cuda") {
      result.Set("path", cu::Driver().path);
      result.Set("version", DriverCudaVersion());
    } else if (name == "cublas") {
      result.Set("path", cublas::Cublas().path);
      result.Set("version", cublas::CublasVersion());
    } else if (name == "nccl") {
      result.Set("path", nccl::Nccl().path);
      result.Set("version", nccl::NcclVersion());
    } else if (name == "nvrtc") {
      result.Set("path", nvrtc::Nvrtc().path);
      result.Set("version", nvrtc::NvrtcVersion());
      result.Set("architectures", NvrtcArchitectures(info.Env()));
    } else if (name == "cupti") {
      result.Set("path", cupti::Cupti().path);
      result.Set("version", cupti::CuptiVersion());
    } else if (name == "nvml") {
      result.Set("path", nvml::Nvml().path);
      result.Set("version", nvml::NvmlVersion());
    } else {
      throw NativeError::Misuse("Unknown library " + name);
    }
    return result;
  });
}

Napi::Value SearchDirectories(const Napi::CallbackInfo& info) {
  const auto directories = LibrarySearchDirectories();
  Napi::Array result = Napi::Array::New(info.Env(), directories.size());
  for (size_t i = 0; i < directories.size(); ++i) result.Set(i, directories[i]);
  return result;
}

Napi::Value ListDevices(const Napi::CallbackInfo& info) {
  return GuardJs(info.Env(), [&]() -> Napi::Value {
    const Napi::Env env = info.Env();
    int count = 0;
    CU_CALL(cuDeviceGetCount, &count);
    Napi::Array devices = Napi::Array::New(env, count);
    for (int ordinal = 0; ordinal < count; ++ordinal) {
      cu::Device device = 0;
      CU_CALL(cuDeviceGet, &device, ordinal);
      char name[256] = {};
      CU_CALL(cuDeviceGetName, name, sizeof name, device);
      char busId[64] = {};
      CU_CALL(cuDeviceGetPCIBusId, busId, sizeof busId, device);
      std::size_t totalBytes = 0;
      CU_CALL(cuDeviceTotalMem, &totalBytes, device);
      Napi::Object entry = Napi::Object::New(env);
      entry.Set("ordinal", ordinal);
      entry.Set("name", name);
      entry.Set("pciBusId", busId);
      entry.Set("totalMemoryBytes", static_cast<double>(totalBytes));
      entry.Set("smCount", Attribute(device, cu::DeviceAttribute::MultiprocessorCount));
      Napi::Object capability = Napi::Object::New(env);
      capability.Set("major", Attribute(device, cu::DeviceAttribute::ComputeCapabilityMajor));
      capability.Set("minor", Attribute(device, cu::DeviceAttribute::ComputeCapabilityMinor));
      entry.Set("computeCapability", capability);
      entry.Set("l2CacheBytes", Attribute(device, cu::DeviceAttribute::L2CacheSize));
      entry.Set("maxSharedMemoryPerBlockOptin", Attribute(device, cu::DeviceAttribute::MaxSharedMemoryPerBlockOptin));
      entry.Set("maxThreadsPerBlock", Attribute(device, cu::DeviceAttribute::MaxThreadsPerBlock));
      devices.Set(ordinal, entry);
    }
    return devices;
  });
}

Napi::Value GreenContextSupport(const Napi::CallbackInfo& info) {
  return GuardJs(info.Env(), [&]() -> Napi::Value {
    return GreenPartition::Support(info.Env(), info[0].As<Napi::Number>().Int32Value());
  });
}

}  // namespace nanoweave
