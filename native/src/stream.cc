#include "stream.h"

#include "cuda_graph.h"
#include "event.h"

namespace nanoweave {

const napi_type_tag Stream::kTypeTag = {0x6e616e6f77656176ULL, 0x0000000000000002ULL};

StreamResource::~StreamResource() { cu::Driver().cuStreamDestroy(stream); }

void Stream::Init(Napi::Env env, Napi::Object exports) {
  Define(env, exports,
         {Guarded<&Stream::Synchronize>("synchronize"), Guarded<&Stream::IsIdle>("isIdle"),
          Guarded<&Stream::WaitEvent>("waitEvent"), Guarded<&Stream::BeginCapture>("beginCapture"),
          Guarded<&Stream::EndCapture>("endCapture"),
          GuardedGetter<&Stream::IsInPartition>("inGreenPartition")});
}

Napi::Object Stream::Create(Napi::Env env, std::shared_ptr<DeviceContext> device, int priority) {
  device->MakeCurrent();
  cu::Stream stream = nullptr;
  CU_CALL(cuStreamCreateWithPriority, &stream, cu::kStreamNonBlocking, priority);
  return New(env, std::make_shared<StreamResource>(std::move(device), nullptr, stream));
}

cu::Stream Stream::HandleOf(const Napi::Value& value, const char* role) { return From(value, role)->stream; }

Napi::Value Stream::Synchronize(const Napi::CallbackInfo& info) {
  CU_CALL(cuStreamSynchronize, resource().stream);
  return info.Env().Undefined();
}

// True when all work queued so far has finished.
Napi::Value Stream::IsIdle(const Napi::CallbackInfo& info) {
  const cu::Result result = cu::Driver().cuStreamQuery(resource().stream);
  if (result != cu::kErrorNotReady) cu::Check(result, "cuStreamQuery");
  return Napi::Boolean::New(info.Env(), result == cu::kSuccess);
}

// waitEvent(event): later work on this stream waits for the event's recorded work.
Napi::Value Stream::WaitEvent(const Napi::CallbackInfo& info) {
  CU_CALL(cuStreamWaitEvent, resource().stream, Event::HandleOf(info[0], "the event to wait for"), 0);
  return info.Env().Undefined();
}

// beginCapture(mode: 0 global | 1 thread-local | 2 relaxed).
Napi::Value Stream::BeginCapture(const Napi::CallbackInfo& info) {
  resource().device->MakeCurrent();
  CU_CALL(cuStreamBeginCapture, resource().stream, info[0].As<Napi::Number>().Int32Value());
  return info.Env().Undefined();
}

// endCapture(): the captured work, instantiated, as a CudaGraph.
Napi::Value Stream::EndCapture(const Napi::CallbackInfo& info) {
  resource().device->MakeCurrent();
  cu::Graph graph = nullptr;
  CU_CALL(cuStreamEndCapture, resource().stream, &graph);
  return CudaGraph::Instantiate(info.Env(), resource().device, graph);
}

Napi::Value Stream::IsInPartition(const Napi::CallbackInfo& info) {
  return Napi::Boolean::New(info.Env(), resource().partition != nullptr);
}

}  // namespace nanoweave
