#include "nccl_api.h"

#include "native_error.h"
#include "shared_library.h"

namespace nanoweave::nccl {

namespace {

const LibrarySpec kNcclSpec{"NCCL", {"libnccl.so.2", "libnccl.so"}, "all-reduce across GPUs"};

std::unique_ptr<NcclApi> OpenNccl() {
  const SharedLibrary library = SharedLibrary::Open(kNcclSpec);
  auto api = std::make_unique<NcclApi>();
  api->path = library.path();
#define NANOWEAVE_RESOLVE(name, symbol, result, parameters) \
  ResolveSymbol(library, kNcclSpec, api->name, symbol, true);
  NANOWEAVE_NCCL_FUNCTIONS(NANOWEAVE_RESOLVE)
#undef NANOWEAVE_RESOLVE
  return api;
}

const char* ResultName(Result result) {
  static const char* const kNames[] = {"ncclSuccess",         "ncclUnhandledCudaError",
                                       "ncclSystemError",     "ncclInternalError",
                                       "ncclInvalidArgument", "ncclInvalidUsage",
                                       "ncclRemoteError",     "ncclInProgress"};
  const bool known = result >= 0 && result < static_cast<Result>(sizeof(kNames) / sizeof(kNames[0]));
  return known ? kNames[result] : "";
}

}  // namespace

const NcclApi& Nccl() {
  // Never destroyed: native objects may still be finalized while the process exits.
  static auto* nccl = new LazyApi<NcclApi>(OpenNccl);
  return nccl->Get();
}

std::string NcclVersion() {
  int code = 0;
  NCCL_CALL(ncclGetVersion, &code);
  return std::to_string(code / 10000) + "." + std::to_string(code % 10000 / 100) + "." +
         std::to_string(code % 100);
}

void Check(Result result, const char* call) {
  if (result == kSuccess) return;
  const NcclApi& api = Nccl();
  const char* message = api.ncclGetErrorString(result);
  const char* last = api.ncclGetLastError(nullptr);
  throw NativeError::CallFailed(kNcclSpec.name, call, result, ResultName(result),
                                message ? message : "unrecognised result",
                                last && *last ? std::string("NCCL says: ") + last : std::string());
}

}  // namespace nanoweave::nccl
