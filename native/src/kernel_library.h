// Compiled kernels (a cubin from NVRTC) loaded with cuLibraryLoadData. Library kernels are not
// bound to one context: a launch runs in the context of its stream, so one loaded kernel serves
// the device's plain streams and every green partition's streams alike.
#pragma once

#include <napi.h>

#include <memory>
#include <string>

#include "device_context.h"
#include "native_object.h"

namespace nanoweave {

struct KernelLibraryResource {
  KernelLibraryResource(std::shared_ptr<DeviceContext> device, cu::Library library)
      : device(std::move(device)), library(library) {}
  ~KernelLibraryResource();
  KernelLibraryResource(const KernelLibraryResource&) = delete;
  KernelLibraryResource& operator=(const KernelLibraryResource&) = delete;

  std::shared_ptr<DeviceContext> device;
  cu::Library library;
};

class KernelLibrary : public NativeObject<KernelLibrary, KernelLibraryResource> {
 public:
  static constexpr const char* kClassName = "KernelLibrary";
  static const napi_type_tag kTypeTag;
  static void Init(Napi::Env env, Napi::Object exports);
  explicit KernelLibrary(const Napi::CallbackInfo& info) : NativeObject(info) {}

  // Loads image (cubin or PTX bytes in a typed array).
  static Napi::Object Load(Napi::Env env, std::shared_ptr<DeviceContext> device, const Napi::Value& image);

 private:
  Napi::Value GetKernel(const Napi::CallbackInfo& info);
};

struct KernelResource {
  std::shared_ptr<KernelLibraryResource> library;
  cu::Kernel kernel;
  std::string name;
};

class Kernel : public NativeObject<Kernel, KernelResource> {
 public:
  static constexpr const char* kClassName = "Kernel";
  static const napi_type_tag kTypeTag;
  static void Init(Napi::Env env, Napi::Object exports);
  explicit Kernel(const Napi::CallbackInfo& info) : NativeObject(info) {}

 private:
  Napi::Value Name(const Napi::CallbackInfo& info);
  Napi::Value Attributes(const Napi::CallbackInfo& info);
  Napi::Value SetMaxDynamicSharedMemory(const Napi::CallbackInfo& info);
  Napi::Value Launch(const Napi::CallbackInfo& info);
};

}  // namespace nanoweave
