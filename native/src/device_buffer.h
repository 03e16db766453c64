// Device memory: one cuMemAlloc'd range with synchronous upload/download and asynchronous fill and
// copy on a stream. Element types live in TypeScript; here a buffer is bytes.
#pragma once

#include <napi.h>

#include <memory>

#include "device_context.h"
#include "native_object.h"

namespace nanoweave {

struct DeviceAllocation {
  DeviceAllocation(std::shared_ptr<DeviceContext> device, std::size_t bytes);
  ~DeviceAllocation();
  DeviceAllocation(const DeviceAllocation&) = delete;
  DeviceAllocation& operator=(const DeviceAllocation&) = delete;

  std::shared_ptr<DeviceContext> device;
  cu::DevicePtr pointer = 0;
  std::size_t bytes;
};

class DeviceBuffer : public NativeObject<DeviceBuffer, DeviceAllocation> {
 public:
  static constexpr const char* kClassName = "DeviceBuffer";
  static const napi_type_tag kTypeTag;
  static void Init(Napi::Env env, Napi::Object exports);
  explicit DeviceBuffer(const Napi::CallbackInfo& info) : NativeObject(info) {}

  // The device address of `value`'s buffer plus a byte offset (trusted from TypeScript).
  static cu::DevicePtr AddressOf(const Napi::Value& value, const Napi::Value& byteOffset, const char* role);

 private:
  Napi::Value ByteLength(const Napi::CallbackInfo& info);
  Napi::Value Address(const Napi::CallbackInfo& info);
  Napi::Value Upload(const Napi::CallbackInfo& info);
  Napi::Value Download(const Napi::CallbackInfo& info);
  Napi::Value Fill(const Napi::CallbackInfo& info);
  Napi::Value CopyFrom(const Napi::CallbackInfo& info);
};

}  // namespace nanoweave
