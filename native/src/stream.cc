#include "stream.h"

#include <vector>

#include "cuda_graph.h"
#include "event.h"
#include "native_error.h"

namespace nanoweave {

const napi_type_tag Stream::kTypeTag = {0x6e616e6f77656176ULL, 0x0000000000000002ULL};

StreamResource::~StreamResource() { cu::Driver().cuStreamDestroy(stream); }

void Stream::Init(Napi::Env env, Napi::Object exports) {
  Define(env, exports,
         {Guarded<&Stream::Synchronize>("synchronize"), Guarded<&Stream::IsIdle>("isIdle"),
          Guarded<&Stream::WaitEvent>("waitEvent"), Guarded<&Stream::BeginCapture>("beginCapture"),
          Guarded<&Stream::EndCapture>("endCapture"), Guarded<&Stream::CapturedKernelNodes>("capturedKernelNodes"),
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

// capturedKernelNodes(): how many kernel nodes the graph this stream is capturing into holds so far.
// Counted before and after an op's launches, it says which of the graph's kernels are that op's.
Napi::Value Stream::CapturedKernelNodes(const Napi::CallbackInfo& info) {
  int status = 0;
  cu::Graph graph = nullptr;
  CU_CALL(cuStreamGetCaptureInfo, resource().stream, &status, nullptr, &graph, nullptr, nullptr, nullptr);
  if (status != cu::kStreamCaptureStatusActive) throw NativeError::Misuse("capturedKernelNodes() needs a stream that is capturing");
  std::size_t count = 0;
  CU_CALL(cuGraphGetNodes, graph, nullptr, &count);
  std::vector<cu::GraphNode> nodes(count);
  CU_CALL(cuGraphGetNodes, graph, nodes.data(), &count);
  std::size_t kernels = 0;
  for (std::size_t i = 0; i < count; ++i) {
    int type = -1;
    CU_CALL(cuGraphNodeGetType, nodes[i], &type);
    if (type == cu::kGraphNodeTypeKernel) ++kernels;
  }
  return Napi::Number::New(info.Env(), static_cast<double>(kernels));
}

Napi::Value Stream::IsInPartition(const Napi::CallbackInfo& info) {
  return Napi::Boolean::New(info.Env(), resource().partition != nullptr);
}

}  // namespace nanoweave
