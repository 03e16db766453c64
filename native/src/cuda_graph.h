// A CUDA graph captured from a stream and instantiated, replayed with one launch. Its kernels keep
// the SM partition of the stream they were captured on.
#pragma once

#include <napi.h>

#include <memory>

#include "device_context.h"
#include "native_object.h"

namespace nanoweave {

struct GraphResource {
  GraphResource(std::shared_ptr<DeviceContext> device, cu::Graph graph, cu::GraphExec executable)
      : device(std::move(device)), graph(graph), executable(executable) {}
  ~GraphResource();
  GraphResource(const GraphResource&) = delete;
  GraphResource& operator=(const GraphResource&) = delete;

  std::shared_ptr<DeviceContext> device;
  cu::Graph graph;
  cu::GraphExec executable;
};

class CudaGraph : public NativeObject<CudaGraph, GraphResource> {
 public:
  static constexpr const char* kClassName = "CudaGraph";
  static const napi_type_tag kTypeTag;
  static void Init(Napi::Env env, Napi::Object exports);
  explicit CudaGraph(const Napi::CallbackInfo& info) : NativeObject(info) {}

  // Takes ownership of graph (destroyed even when instantiation fails).
  static Napi::Object Instantiate(Napi::Env env, std::shared_ptr<DeviceContext> device, cu::Graph graph);

 private:
  Napi::Value Launch(const Napi::CallbackInfo& info);
};

}  // namespace nanoweave
