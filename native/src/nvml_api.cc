#include "nvml_api.h"

#include <utility>

#include "native_error.h"
#include "shared_library.h"

namespace nanoweave::nvml {

namespace {

const LibrarySpec kNvmlSpec{"NVML", {"libnvidia-ml.so.1", "libnvidia-ml.so"},
                            "reading GPU power, energy and clocks (the power figures of nanoweave run)"};

// The codes nvml.h names that a read of power or clocks can return.
constexpr std::pair<Result, const char*> kResultNames[] = {
    {1, "NVML_ERROR_UNINITIALIZED"}, {2, "NVML_ERROR_INVALID_ARGUMENT"},
    {3, "NVML_ERROR_NOT_SUPPORTED"}, {4, "NVML_ERROR_NO_PERMISSION"},
    {6, "NVML_ERROR_NOT_FOUND"},     {9, "NVML_ERROR_DRIVER_NOT_LOADED"},
    {15, "NVML_ERROR_GPU_IS_LOST"},  {18, "NVML_ERROR_LIB_RM_VERSION_MISMATCH"},
    {999, "NVML_ERROR_UNKNOWN"},
};

const char* ResultName(Result result) {
  for (const auto& [code, name] : kResultNames) {
    if (code == result) return name;
  }
  return "";
}

std::unique_ptr<NvmlApi> OpenNvml() {
  const SharedLibrary library = SharedLibrary::Open(kNvmlSpec);
  auto api = std::make_unique<NvmlApi>();
  api->path = library.path();
#define NANOWEAVE_RESOLVE(name, symbol, result, parameters) \
  ResolveSymbol(library, kNvmlSpec, api->name, symbol, true);
  NANOWEAVE_NVML_FUNCTIONS(NANOWEAVE_RESOLVE)
#undef NANOWEAVE_RESOLVE
  // Initialised once and never shut down, like the other libraries, which are never closed.
  const Result started = api->nvmlInit_v2();
  if (started != kSuccess) {
    const char* message = api->nvmlErrorString(started);
    throw NativeError::CallFailed(kNvmlSpec.name, "nvmlInit_v2", started, ResultName(started), message ? message : "");
  }
  return api;
}

}  // namespace

const NvmlApi& Nvml() {
  // Never destroyed: native objects may still be finalized while the process exits.
  static auto* nvml = new LazyApi<NvmlApi>(OpenNvml);
  return nvml->Get();
}

std::string NvmlVersion() {
  char version[kVersionBufferSize] = {};
  NVML_CALL(nvmlSystemGetNVMLVersion, version, sizeof version);
  return version;
}

void Check(Result result, const char* call) {
  if (result == kSuccess) return;
  const char* message = Nvml().nvmlErrorString(result);
  throw NativeError::CallFailed(kNvmlSpec.name, call, result, ResultName(result),
                                message ? message : "unrecognised result");
}

}  // namespace nanoweave::nvml
