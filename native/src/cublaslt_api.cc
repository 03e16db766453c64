#include "cublaslt_api.h"

#include "native_error.h"
#include "shared_library.h"

namespace nanoweave::cublaslt {

namespace {

const LibrarySpec kCublasLtSpec{"cuBLASLt",
                                {"libcublasLt.so.13", "libcublasLt.so.12", "libcublasLt.so"},
                                "GEMMs with a chosen algorithm (cublasLtMatmul)"};

std::unique_ptr<CublasLtApi> OpenCublasLt() {
  const SharedLibrary library = SharedLibrary::Open(kCublasLtSpec);
  auto api = std::make_unique<CublasLtApi>();
  api->path = library.path();
#define NANOWEAVE_RESOLVE(name, symbol, result, parameters) \
  ResolveSymbol(library, kCublasLtSpec, api->name, symbol, true);
  NANOWEAVE_CUBLASLT_FUNCTIONS(NANOWEAVE_RESOLVE)
#undef NANOWEAVE_RESOLVE
  return api;
}

}  // namespace

const CublasLtApi& CublasLt() {
  // Never destroyed: native objects may still be finalized while the process exits.
  static auto* cublasLt = new LazyApi<CublasLtApi>(OpenCublasLt);
  return cublasLt->Get();
}

void Check(Status status, const char* call) {
  if (status == kSuccess) return;
  const CublasLtApi& api = CublasLt();
  const char* name = api.cublasLtGetStatusName(status);
  const char* message = api.cublasLtGetStatusString(status);
  throw NativeError::CallFailed(kCublasLtSpec.name, call, status, name ? name : "",
                                message ? message : "unrecognised status");
}

}  // namespace nanoweave::cublaslt
