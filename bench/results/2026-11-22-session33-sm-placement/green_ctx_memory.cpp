// Does making and destroying green contexts give back the device memory? Free memory after each
// of: 20 green contexts made from one descriptor and destroyed; 20 descriptors generated (no
// context); 20 made each from its own descriptor and destroyed; 20 made and destroyed that each
// launched nothing vs after their default stream was synchronized.
//   g++ -O2 -I/usr/local/cuda/include green_ctx_memory.cpp -L/usr/local/cuda/lib64/stubs -lcuda -o g && ./g
#include <cuda.h>

#include <cstdio>
#include <cstdlib>

#define CU(call)                                                           \
  do {                                                                     \
    CUresult r = (call);                                                   \
    if (r != CUDA_SUCCESS) {                                               \
      const char* name = "?";                                              \
      cuGetErrorName(r, &name);                                            \
      std::fprintf(stderr, "%s failed: %s\n", #call, name);                \
      std::exit(1);                                                        \
    }                                                                      \
  } while (0)

static double last = 0;
static void report(const char* what) {
  size_t free_bytes = 0, total = 0;
  CU(cuMemGetInfo(&free_bytes, &total));
  const double now = free_bytes / 1048576.0;
  std::printf("%-60s free %.0f MiB (%+.0f)\n", what, now, last == 0 ? 0 : now - last);
  last = now;
}

int main() {
  CU(cuInit(0));
  CUdevice device;
  CU(cuDeviceGet(&device, 0));
  CUcontext primary;
  CU(cuDevicePrimaryCtxRetain(&primary, device));
  CU(cuCtxSetCurrent(primary));
  report("primary context");
  CUdevResource all, rest;
  CU(cuDeviceGetDevResource(device, &all, CU_DEV_RESOURCE_TYPE_SM));
  unsigned groups = 1;
  CUdevResource group;
  CU(cuDevSmResourceSplitByCount(&group, &groups, &all, &rest, 0, 8));
  CUdevResourceDesc one;
  CU(cuDevResourceGenerateDesc(&one, &group, 1));
  report("one descriptor");
  for (int i = 0; i < 20; ++i) {
    CUgreenCtx g;
    CU(cuGreenCtxCreate(&g, one, device, CU_GREEN_CTX_DEFAULT_STREAM));
    CU(cuGreenCtxDestroy(g));
  }
  report("20 green contexts from that descriptor, destroyed");
  for (int i = 0; i < 20; ++i) {
    CUdevResourceDesc d;
    CU(cuDevResourceGenerateDesc(&d, &group, 1));
  }
  report("20 descriptors, no context");
  for (int i = 0; i < 20; ++i) {
    CUdevResourceDesc d;
    CU(cuDevResourceGenerateDesc(&d, &group, 1));
    CUgreenCtx g;
    CU(cuGreenCtxCreate(&g, d, device, CU_GREEN_CTX_DEFAULT_STREAM));
    CU(cuGreenCtxDestroy(g));
  }
  report("20 green contexts, each from its own descriptor, destroyed");
  for (int i = 0; i < 20; ++i) {
    CUgreenCtx g;
    CU(cuGreenCtxCreate(&g, one, device, CU_GREEN_CTX_DEFAULT_STREAM));
    CUstream s;
    CU(cuGreenCtxStreamCreate(&s, g, CU_STREAM_NON_BLOCKING, 0));
    CU(cuStreamSynchronize(s));
    CU(cuStreamDestroy(s));
    CU(cuGreenCtxDestroy(g));
  }
  report("20 green contexts with a stream each, destroyed");
  CU(cuCtxSynchronize());
  report("synchronized");
  return 0;
}
