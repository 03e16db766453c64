#include "cuda_driver_api.h"

#include "native_error.h"
#include "shared_library.h"

namespace nanoweave::cu {

namespace {

const LibrarySpec kDriverSpec{
    "CUDA driver",
    {"libcuda.so.1", "libcuda.so"},
    "every GPU operation: devices, memory, streams, green contexts, kernel launches"};

std::unique_ptr<DriverApi> OpenDriver() {
  const SharedLibrary library = SharedLibrary::Open(kDriverSpec);
  auto api = std::make_unique<DriverApi>();
  api->path = library.path();
#define NANOWEAVE_RESOLVE_REQUIRED(name, symbol, result, parameters) \
  ResolveSymbol(library, kDriverSpec, api->name, symbol, true);
#define NANOWEAVE_RESOLVE_OPTIONAL(name, symbol, result, parameters) \
  ResolveSymbol(library, kDriverSpec, api->name, symbol, false);
  NANOWEAVE_CUDA_DRIVER_REQUIRED(NANOWEAVE_RESOLVE_REQUIRED)
  NANOWEAVE_CUDA_DRIVER_GREEN_CONTEXTS(NANOWEAVE_RESOLVE_OPTIONAL)
#undef NANOWEAVE_RESOLVE_REQUIRED
#undef NANOWEAVE_RESOLVE_OPTIONAL
  api->hasGreenContexts = true;
#define NANOWEAVE_REQUIRE_PRESENT(name, symbol, result, parameters) \
  api->hasGreenContexts = api->hasGreenContexts && api->name != nullptr;
  NANOWEAVE_CUDA_DRIVER_GREEN_CONTEXTS(NANOWEAVE_REQUIRE_PRESENT)
#undef NANOWEAVE_REQUIRE_PRESENT
  // Check needs Driver(), which is not published yet: report cuInit's failure by hand.
  if (const Result result = api->cuInit(0); result != kSuccess) {
    const char* name = "";
    const char* message = "";
    api->cuGetErrorName(result, &name);
    api->cuGetErrorString(result, &message);
    throw NativeError::CallFailed(kDriverSpec.name, "cuInit", result, name ? name : "",
                                  message ? message : "unknown error");
  }
  return api;
}

}  // namespace

const DriverApi& Driver() {
  // Never destroyed: native objects may still be finalized while the process exits.
  static auto* driver = new LazyApi<DriverApi>(OpenDriver);
  return driver->Get();
}

void Check(Result result, const char* call) {
  if (result == kSuccess) return;
  const DriverApi& api = Driver();
  const char* name = nullptr;
  const char* message = nullptr;
  if (api.cuGetErrorName(result, &name) != kSuccess) name = nullptr;
  if (api.cuGetErrorString(result, &message) != kSuccess) message = nullptr;
  throw NativeError::CallFailed("CUDA driver", call, result, name ? name : "",
                                message ? message : "unrecognised error code");
}

}  // namespace nanoweave::cu
