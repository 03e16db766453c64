// A CUDA stream: a plain one on the device, or one confined to a green-context partition (then it
// also keeps the partition alive). Also the entry to CUDA graph capture.
#pragma once

#include <napi.h>

#include <memory>

#include "device_context.h"
#include "native_object.h"

namespace nanoweave {

struct StreamResource {
  StreamResource(std::shared_ptr<DeviceContext> device, std::shared_ptr<void> partition, cu::Stream stream)
      : device(std::move(device)), partition(std::move(partition)), stream(stream) {}
  ~StreamResource();
  StreamResource(const StreamResource&) = delete;
  StreamResource& operator=(const StreamResource&) = delete;

  std::shared_ptr<DeviceContext> device;
  std::shared_ptr<void> partition;  // the green context this stream runs in, if any
  cu::Stream stream;
};

class Stream : public NativeObject<Stream, StreamResource> {
 public:
  static constexpr const char* kClassName = "Stream";
  static const napi_type_tag kTypeTag;
  static void Init(Napi::Env env, Napi::Object exports);
  explicit Stream(const Napi::CallbackInfo& info) : NativeObject(info) {}

  // A plain (non-blocking) stream on the device.
  static Napi::Object Create(Napi::Env env, std::shared_ptr<DeviceContext> device, int priority);
  // The CUstream of a Stream passed from JS.
  static cu::Stream HandleOf(const Napi::Value& value, const char* role);

 private:
  Napi::Value Synchronize(const Napi::CallbackInfo& info);
  Napi::Value IsIdle(const Napi::CallbackInfo& info);
  Napi::Value WaitEvent(const Napi::CallbackInfo& info);
  Napi::Value BeginCapture(const Napi::CallbackInfo& info);
  Napi::Value EndCapture(const Napi::CallbackInfo& info);
  Napi::Value CapturedKernelNodes(const Napi::CallbackInfo& info);
  Napi::Value IsInPartition(const Napi::CallbackInfo& info);
};

}  // namespace nanoweave
