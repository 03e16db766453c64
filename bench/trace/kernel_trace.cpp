// A CUDA injection library that writes every kernel the process runs (graph kernel nodes included)
// to a CSV file through CUPTI's activity API: where the device has no Nsight Systems, this is how
// we see when each kernel of a replayed iteration graph ran, with no timing events added to it.
//
// Build: g++ -O2 -shared -fPIC -I/usr/local/cuda/include kernel_trace.cpp -o libkernel_trace.so \
//          -L/usr/local/cuda/lib64 -lcupti -Wl,-rpath,/usr/local/cuda/lib64
// Use:   CUDA_INJECTION64_PATH=$PWD/libkernel_trace.so KERNEL_TRACE_OUT=kernels.csv node ...
// Columns: start and end (ns, GPU clock), device, context, stream, hardware channel, graph and graph
// node (0 outside graphs), grid x/y/z, block x, kernel name.
#include <cupti.h>

#include <cstdio>
#include <cstdlib>

namespace {

FILE* out = nullptr;
constexpr size_t kBufferBytes = 16u << 20;

void check(CUptiResult result, const char* what) {
  if (result == CUPTI_SUCCESS) return;
  const char* message = nullptr;
  cuptiGetResultString(result, &message);
  std::fprintf(stderr, "kernel_trace: %s failed: %s\n", what, message ? message : "unknown CUPTI error");
}

void CUPTIAPI bufferRequested(uint8_t** buffer, size_t* size, size_t* maxRecords) {
  *buffer = static_cast<uint8_t*>(std::aligned_alloc(8, kBufferBytes));
  *size = kBufferBytes;
  *maxRecords = 0;
}

void CUPTIAPI bufferCompleted(CUcontext, uint32_t, uint8_t* buffer, size_t, size_t validSize) {
  CUpti_Activity* record = nullptr;
  while (cuptiActivityGetNextRecord(buffer, validSize, &record) == CUPTI_SUCCESS) {
    if (record->kind != CUPTI_ACTIVITY_KIND_CONCURRENT_KERNEL) continue;
    const auto* k = reinterpret_cast<const CUpti_ActivityKernel10*>(record);
    std::fprintf(out, "%llu,%llu,%u,%u,%u,%u,%u,%llu,%d,%d,%d,%d,\"%s\"\n", (unsigned long long)k->start,
                 (unsigned long long)k->end, k->deviceId, k->contextId, k->streamId, k->channelID, k->graphId,
                 (unsigned long long)k->graphNodeId, k->gridX, k->gridY, k->gridZ, k->blockX, k->name ? k->name : "");
  }
  std::free(buffer);
}

void flushAtExit() {
  cuptiActivityFlushAll(CUPTI_ACTIVITY_FLAG_FLUSH_FORCED);
  if (out) std::fclose(out);
  out = nullptr;
}

}  // namespace

extern "C" int InitializeInjection() {
  const char* path = std::getenv("KERNEL_TRACE_OUT");
  out = std::fopen(path ? path : "kernels.csv", "w");
  if (!out) {
    std::perror("kernel_trace: cannot open KERNEL_TRACE_OUT");
    return 0;
  }
  std::fprintf(out, "start,end,device,context,stream,channel,graph,node,gridX,gridY,gridZ,blockX,name\n");
  check(cuptiActivityRegisterCallbacks(bufferRequested, bufferCompleted), "cuptiActivityRegisterCallbacks");
  check(cuptiActivityEnable(CUPTI_ACTIVITY_KIND_CONCURRENT_KERNEL), "cuptiActivityEnable(CONCURRENT_KERNEL)");
  // Buffers of a context destroyed before exit are delivered by a flush in the meantime.
  check(cuptiActivityFlushPeriod(100), "cuptiActivityFlushPeriod");
  std::atexit(flushAtExit);
  return 1;
}
