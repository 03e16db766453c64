#include "nvrtc_api.h"

#include "native_error.h"
#include "shared_library.h"

namespace nanoweave::nvrtc {

namespace {

const LibrarySpec kNvrtcSpec{"NVRTC",
                             {"libnvrtc.so.13", "libnvrtc.so.12", "libnvrtc.so"},
                             "compiling nanoweave's CUDA kernels at run time"};

std::unique_ptr<NvrtcApi> OpenNvrtc() {
  const SharedLibrary library = SharedLibrary::Open(kNvrtcSpec);
  auto api = std::make_unique<NvrtcApi>();
  api->path = library.path();
#define NANOWEAVE_RESOLVE(name, symbol, result, parameters) \
  ResolveSymbol(library, kNvrtcSpec, api->name, symbol, true);
  NANOWEAVE_NVRTC_FUNCTIONS(NANOWEAVE_RESOLVE)
#undef NANOWEAVE_RESOLVE
  return api;
}

}  // namespace

const NvrtcApi& Nvrtc() {
  // Never destroyed: native objects may still be finalized while the process exits.
  static auto* nvrtc = new LazyApi<NvrtcApi>(OpenNvrtc);
  return nvrtc->Get();
}

std::string NvrtcVersion() {
  int major = 0, minor = 0;
  NVRTC_CALL(nvrtcVersion, &major, &minor);
  return std::to_string(major) + "." + std::to_string(minor);
}

void Check(Result result, const char* call, const std::string& detail) {
  if (result == kSuccess) return;
  const char* message = Nvrtc().nvrtcGetErrorString(result);
  throw NativeError::CallFailed(kNvrtcSpec.name, call, result, message ? message : "",
                                message ? message : "unrecognised result", detail);
}

}  // namespace nanoweave::nvrtc
