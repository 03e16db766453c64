// A CUDA event: ordering between streams, and GPU-side timing.
#pragma once

#include <napi.h>

#include <memory>

#include "device_context.h"
#include "native_object.h"

namespace nanoweave {

struct EventResource {
  EventResource(std::shared_ptr<DeviceContext> device, cu::Event event) : device(std::move(device)), event(event) {}
  ~EventResource();
  EventResource(const EventResource&) = delete;
  EventResource& operator=(const EventResource&) = delete;

  std::shared_ptr<DeviceContext> device;
  cu::Event event;
};

class Event : public NativeObject<Event, EventResource> {
 public:
  static constexpr const char* kClassName = "Event";
  static const napi_type_tag kTypeTag;
  static void Init(Napi::Env env, Napi::Object exports);
  explicit Event(const Napi::CallbackInfo& info) : NativeObject(info) {}

  static Napi::Object Create(Napi::Env env, std::shared_ptr<DeviceContext> device, bool timing);
  static cu::Event HandleOf(const Napi::Value& value, const char* role);

 private:
  Napi::Value Record(const Napi::CallbackInfo& info);
  Napi::Value Synchronize(const Napi::CallbackInfo& info);
  Napi::Value IsComplete(const Napi::CallbackInfo& info);
  Napi::Value ElapsedMsSince(const Napi::CallbackInfo& info);
};

}  // namespace nanoweave
