#include "kernel_activity.h"

#include <algorithm>
#include <cstdlib>
#include <mutex>
#include <string>
#include <vector>

#include "cupti_api.h"
#include "native_error.h"

namespace nanoweave {

namespace {

struct KernelSpan {
  uint64_t start;
  uint64_t end;
  uint64_t graphNode;
  uint32_t device;
  std::string name;
};

// 8 MiB holds about 30,000 kernel records; CUPTI asks for more buffers as they fill.
constexpr size_t kBufferBytes = 8u << 20;

// CUPTI calls the buffer callbacks on its own thread as well as inside a flush.
std::mutex recordingMutex;
std::vector<KernelSpan> recorded;
size_t droppedRecords = 0;
size_t untimedRecords = 0;  // CUPTI could not time them (start and end 0)
bool callbacksRegistered = false;
bool recording = false;

void BufferRequested(uint8_t** buffer, size_t* size, size_t* maxRecords) {
  *buffer = static_cast<uint8_t*>(std::aligned_alloc(8, kBufferBytes));
  *size = *buffer ? kBufferBytes : 0;
  *maxRecords = 0;
}

void BufferCompleted(cu::Context context, uint32_t streamId, uint8_t* buffer, size_t, size_t validSize) {
  const cupti::CuptiApi& api = cupti::Cupti();
  std::lock_guard<std::mutex> lock(recordingMutex);
  cupti::Activity* record = nullptr;
  while (api.cuptiActivityGetNextRecord(buffer, validSize, &record) == cupti::kSuccess) {
    if (record->kind != cupti::kActivityKindConcurrentKernel) continue;
    const auto* kernel = reinterpret_cast<const cupti::KernelRecord*>(record);
    if (kernel->start == 0 || kernel->end < kernel->start) {
      ++untimedRecords;
      continue;
    }
    recorded.push_back({kernel->start, kernel->end, kernel->graphNodeId, kernel->deviceId, kernel->name ? kernel->name : ""});
  }
  size_t dropped = 0;
  if (api.cuptiActivityGetNumDroppedRecords(context, streamId, &dropped) == cupti::kSuccess) droppedRecords += dropped;
  std::free(buffer);
}

}  // namespace

Napi::Value StartKernelActivity(const Napi::CallbackInfo& info) {
  return GuardJs(info.Env(), [&]() -> Napi::Value {
    cupti::Cupti();
    std::lock_guard<std::mutex> lock(recordingMutex);
    if (recording) throw NativeError::Misuse("A kernel activity recording is already open: stop it first");
    if (!callbacksRegistered) {
      CUPTI_CALL(cuptiActivityRegisterCallbacks, BufferRequested, BufferCompleted);
      callbacksRegistered = true;
    }
    recorded.clear();
    droppedRecords = 0;
    untimedRecords = 0;
    CUPTI_CALL(cuptiActivityEnable, cupti::kActivityKindConcurrentKernel);
    recording = true;
    return info.Env().Undefined();
  });
}

Napi::Value StopKernelActivity(const Napi::CallbackInfo& info) {
  return GuardJs(info.Env(), [&]() -> Napi::Value {
    {
      std::lock_guard<std::mutex> lock(recordingMutex);
      if (!recording) throw NativeError::Misuse("No kernel activity recording is open: start one first");
      recording = false;
    }
    // The flush delivers the buffers through BufferCompleted, which takes the lock itself.
    CUPTI_CALL(cuptiActivityDisable, cupti::kActivityKindConcurrentKernel);
    CUPTI_CALL(cuptiActivityFlushAll, cupti::kActivityFlagFlushForced);
    std::vector<KernelSpan> spans;
    size_t dropped = 0;
    size_t untimed = 0;
    {
      std::lock_guard<std::mutex> lock(recordingMutex);
      spans.swap(recorded);
      dropped = droppedRecords;
      untimed = untimedRecords;
    }
    if (dropped > 0 || untimed > 0) {
      throw NativeError::CallFailed("CUPTI", "stopKernelActivity", 0, "",
                                    std::to_string(dropped) + " kernel records dropped and " + std::to_string(untimed) +
                                        " without timestamps",
                                    "a trace needs every kernel's start and end: record fewer iterations at a time");
    }
    const Napi::Env env = info.Env();
    uint64_t origin = UINT64_MAX;
    for (const auto& span : spans) origin = std::min(origin, span.start);
    auto startNs = Napi::Float64Array::New(env, spans.size());
    auto endNs = Napi::Float64Array::New(env, spans.size());
    auto device = Napi::Uint32Array::New(env, spans.size());
    auto graphNode = Napi::TypedArrayOf<uint64_t>::New(env, spans.size(), napi_biguint64_array);
    auto name = Napi::Array::New(env, spans.size());
    for (size_t i = 0; i < spans.size(); ++i) {
      startNs[i] = static_cast<double>(spans[i].start - origin);
      endNs[i] = static_cast<double>(spans[i].end - origin);
      device[i] = spans[i].device;
      graphNode[i] = spans[i].graphNode;
      name.Set(i, spans[i].name);
    }
    Napi::Object result = Napi::Object::New(env);
    result.Set("startNs", startNs);
    result.Set("endNs", endNs);
    result.Set("device", device);
    result.Set("graphNode", graphNode);
    result.Set("name", name);
    return result;
  });
}

}  // namespace nanoweave
