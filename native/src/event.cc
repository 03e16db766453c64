#include "event.h"

#include "stream.h"

namespace nanoweave {

const napi_type_tag Event::kTypeTag = {0x6e616e6f77656176ULL, 0x0000000000000003ULL};

EventResource::~EventResource() { cu::Driver().cuEventDestroy(event); }

void Event::Init(Napi::Env env, Napi::Object exports) {
  Define(env, exports,
         {Guarded<&Event::Record>("record"), Guarded<&Event::Synchronize>("synchronize"),
          Guarded<&Event::IsComplete>("isComplete"), Guarded<&Event::ElapsedMsSince>("elapsedMsSince")});
}

Napi::Object Event::Create(Napi::Env env, std::shared_ptr<DeviceContext> device, bool timing) {
  device->MakeCurrent();
  cu::Event event = nullptr;
  CU_CALL(cuEventCreate, &event, timing ? cu::kEventDefault : cu::kEventDisableTiming);
  return New(env, std::make_shared<EventResource>(std::move(device), event));
}

cu::Event Event::HandleOf(const Napi::Value& value, const char* role) { return From(value, role)->event; }

// record(stream): marks the point in the stream's work this event stands for (in a capture, an
// ordering between streams).
Napi::Value Event::Record(const Napi::CallbackInfo& info) {
  CU_CALL(cuEventRecord, resource().event, Stream::HandleOf(info[0], "the stream to record on"));
  return info.Env().Undefined();
}

Napi::Value Event::Synchronize(const Napi::CallbackInfo& info) {
  CU_CALL(cuEventSynchronize, resource().event);
  return info.Env().Undefined();
}

Napi::Value Event::IsComplete(const Napi::CallbackInfo& info) {
  const cu::Result result = cu::Driver().cuEventQuery(resource().event);
  if (result != cu::kErrorNotReady) cu::Check(result, "cuEventQuery");
  return Napi::Boolean::New(info.Env(), result == cu::kSuccess);
}

// elapsedMsSince(start): milliseconds of GPU time from start to this event (both completed).
Napi::Value Event::ElapsedMsSince(const Napi::CallbackInfo& info) {
  float milliseconds = 0;
  CU_CALL(cuEventElapsedTime, &milliseconds, HandleOf(info[0], "the start event"), resource().event);
  return Napi::Number::New(info.Env(), milliseconds);
}

}  // namespace nanoweave
