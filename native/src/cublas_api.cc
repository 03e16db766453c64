#include "cublas_api.h"

#include "native_error.h"
#include "shared_library.h"

namespace nanoweave::cublas {

namespace {

const LibrarySpec kCublasSpec{"cuBLAS",
                              {"libcublas.so.13", "libcublas.so.12", "libcublas.so"},
                              "GEMMs (cublasGemmEx) with a per-partition SM count target"};

std::unique_ptr<CublasApi> OpenCublas() {
  const SharedLibrary library = SharedLibrary::Open(kCublasSpec);
  auto api = std::make_unique<CublasApi>();
  api->path = library.path();
#define NANOWEAVE_RESOLVE(name, symbol, result, parameters) \
  ResolveSymbol(library, kCublasSpec, api->name, symbol, true);
  NANOWEAVE_CUBLAS_FUNCTIONS(NANOWEAVE_RESOLVE)
#undef NANOWEAVE_RESOLVE
  return api;
}

}  // namespace

const CublasApi& Cublas() {
  // Never destroyed: native objects may still be finalized while the process exits.
  static auto* cublas = new LazyApi<CublasApi>(OpenCublas);
  return cublas->Get();
}

std::string CublasVersion() {
  int major = 0, minor = 0, patch = 0;
  CUBLAS_CALL(cublasGetProperty, kPropertyMajor, &major);
  CUBLAS_CALL(cublasGetProperty, kPropertyMinor, &minor);
  CUBLAS_CALL(cublasGetProperty, kPropertyPatch, &patch);
  return std::to_string(major) + "." + std::to_string(minor) + "." + std::to_string(patch);
}

void Check(Status status, const char* call) {
  if (status == kSuccess) return;
  const CublasApi& api = Cublas();
  const char* name = api.cublasGetStatusName(status);
  const char* message = api.cublasGetStatusString(status);
  throw NativeError::CallFailed(kCublasSpec.name, call, status, name ? name : "",
                                message ? message : "unrecognised status");
}

}  // namespace nanoweave::cublas
