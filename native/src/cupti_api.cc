#include "cupti_api.h"

#include "native_error.h"
#include "shared_library.h"

namespace nanoweave::cupti {

namespace {

const LibrarySpec kCuptiSpec{"CUPTI", {"libcupti.so.13", "libcupti.so"},
                             "the co-run trace of nanoweave run (each kernel's start and end inside the iteration's CUDA graph)"};

std::unique_ptr<CuptiApi> OpenCupti() {
  const SharedLibrary library = SharedLibrary::Open(kCuptiSpec);
  auto api = std::make_unique<CuptiApi>();
  api->path = library.path();
#define NANOWEAVE_RESOLVE(name, symbol, result, parameters) \
  ResolveSymbol(library, kCuptiSpec, api->name, symbol, true);
  NANOWEAVE_CUPTI_FUNCTIONS(NANOWEAVE_RESOLVE)
#undef NANOWEAVE_RESOLVE
  const Result read = api->cuptiGetVersion(&api->version);
  if (read != kSuccess) throw NativeError::CallFailed(kCuptiSpec.name, "cuptiGetVersion", read, "", "");
  // Another major's kernel records have another layout: refuse it rather than misread them.
  if (api->version < kFirstApiVersion || api->version > kLastApiVersion) {
    throw NativeError::CallFailed(kCuptiSpec.name, "cuptiGetVersion", 0, "",
                                  "API version " + std::to_string(api->version) + " is not CUDA 13's",
                                  api->path + ": nanoweave reads CUDA 13's kernel records (API " +
                                      std::to_string(kFirstApiVersion) + " to " + std::to_string(kLastApiVersion) +
                                      "); put CUDA 13's libcupti.so.13 first on CUDA_HOME or LD_LIBRARY_PATH");
  }
  return api;
}

}  // namespace

const CuptiApi& Cupti() {
  // Never destroyed: native objects may still be finalized while the process exits.
  static auto* cupti = new LazyApi<CuptiApi>(OpenCupti);
  return cupti->Get();
}

std::string CuptiVersion() {
  const uint32_t version = Cupti().version;
  return std::to_string(version / 10000) + "." + std::to_string(version % 10000 / 100) + " (API " +
         std::to_string(version) + ")";
}

void Check(Result result, const char* call) {
  if (result == kSuccess) return;
  const char* message = nullptr;
  if (Cupti().cuptiGetResultString(result, &message) != kSuccess) message = nullptr;
  throw NativeError::CallFailed(kCuptiSpec.name, call, result, "", message ? message : "unrecognised result");
}

}  // namespace nanoweave::cupti
