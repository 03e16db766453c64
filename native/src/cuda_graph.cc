#include "cuda_graph.h"

#include "stream.h"

namespace nanoweave {

const napi_type_tag CudaGraph::kTypeTag = {0x6e616e6f77656176ULL, 0x0000000000000004ULL};

GraphResource::~GraphResource() {
  if (executable != nullptr) cu::Driver().cuGraphExecDestroy(executable);
  cu::Driver().cuGraphDestroy(graph);
}

void CudaGraph::Init(Napi::Env env, Napi::Object exports) {
  Define(env, exports, {Guarded<&CudaGraph::Launch>("launch")});
}

Napi::Object CudaGraph::Instantiate(Napi::Env env, std::shared_ptr<DeviceContext> device, cu::Graph graph) {
  auto resource = std::make_shared<GraphResource>(std::move(device), graph, nullptr);
  CU_CALL(cuGraphInstantiate, &resource->executable, graph, 0);
  return New(env, std::move(resource));
}

// launch(stream): replays the whole graph on stream.
Napi::Value CudaGraph::Launch(const Napi::CallbackInfo& info) {
  CU_CALL(cuGraphLaunch, resource().executable, Stream::HandleOf(info[0], "the graph's launch stream"));
  return info.Env().Undefined();
}

}  // namespace nanoweave
