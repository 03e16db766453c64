// A GPU opened by ordinal (its primary context); everything else is made from it.
#pragma once

#include <napi.h>

#include <memory>

#include "device_context.h"
#include "native_object.h"

namespace nanoweave {

class Device : public NativeObject<Device, DeviceContext> {
 public:
  static constexpr const char* kClassName = "Device";
  static const napi_type_tag kTypeTag;
  static void Init(Napi::Env env, Napi::Object exports);
  explicit Device(const Napi::CallbackInfo& info) : NativeObject(info) {}

  // openDevice(ordinal) -> Device
  static Napi::Value Open(const Napi::CallbackInfo& info);

 private:
  Napi::Value Ordinal(const Napi::CallbackInfo& info);
  Napi::Value Allocate(const Napi::CallbackInfo& info);
  Napi::Value CreateStream(const Napi::CallbackInfo& info);
  Napi::Value CreateEvent(const Napi::CallbackInfo& info);
  Napi::Value CreateGreenPartitions(const Napi::CallbackInfo& info);
  Napi::Value CreateCublas(const Napi::CallbackInfo& info);
  Napi::Value LoadKernelLibrary(const Napi::CallbackInfo& info);
  Napi::Value MemoryInfo(const Napi::CallbackInfo& info);
  Napi::Value Synchronize(const Napi::CallbackInfo& info);
  Napi::Value EnablePeerAccess(const Napi::CallbackInfo& info);
};

}  // namespace nanoweave
