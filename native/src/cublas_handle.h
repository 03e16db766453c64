// One cuBLAS handle, meant to serve one SM partition: its SM count target tells cuBLAS's
// heuristics how many SMs the partition has (it confines nothing by itself), and it owns its
// workspace so that GEMMs can be captured into CUDA graphs.
#pragma once

#include <napi.h>

#include <memory>

#include "cublas_api.h"
#include "cublaslt_api.h"
#include "device_context.h"
#include "native_object.h"

namespace nanoweave {

struct CublasResource {
  explicit CublasResource(std::shared_ptr<DeviceContext> device);
  ~CublasResource();
  CublasResource(const CublasResource&) = delete;
  CublasResource& operator=(const CublasResource&) = delete;

  // cuBLASLt's handle, made on the first use of a chosen algorithm.
  cublaslt::Handle LtHandle();

  std::shared_ptr<DeviceContext> device;
  cublas::Handle handle = nullptr;
  cublaslt::Handle lt = nullptr;
  cu::DevicePtr workspace = 0;  // set after construction; freed by the destructor
  std::size_t workspaceBytes = 0;
};

class CublasHandle : public NativeObject<CublasHandle, CublasResource> {
 public:
  static constexpr const char* kClassName = "CublasHandle";
  static const napi_type_tag kTypeTag;
  static void Init(Napi::Env env, Napi::Object exports);
  explicit CublasHandle(const Napi::CallbackInfo& info) : NativeObject(info) {}

  static Napi::Object Create(Napi::Env env, std::shared_ptr<DeviceContext> device, int smCountTarget,
                             std::size_t workspaceBytes);

 private:
  Napi::Value SmCountTarget(const Napi::CallbackInfo& info);
  Napi::Value SetSmCountTarget(const Napi::CallbackInfo& info);
  Napi::Value Gemm(const Napi::CallbackInfo& info);
  Napi::Value GemmAlgorithms(const Napi::CallbackInfo& info);
};

}  // namespace nanoweave
