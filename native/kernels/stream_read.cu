// The read limit of a set of SMs: a plain streaming read, the reference the attention kernel is
// held to. One 1024-thread block per SM, 16-byte loads, 8 in flight per thread.
//
// src: n16 16-byte words. sink uint32 [grid * 1024]: each thread's xor of what it read, written so
// the loads cannot be optimised away.
// Launch: grid = num_sms, block 1024, no dynamic shared memory.
#include "common.cuh"

namespace {
constexpr int kInFlight = 8;
}

extern "C" __global__ void __launch_bounds__(1024, 1)
    stream_read(const uint4* __restrict__ src, long long n16, unsigned* __restrict__ sink) {
  const long long stride = (long long)gridDim.x * blockDim.x;
  long long i = (long long)blockIdx.x * blockDim.x + threadIdx.x;
  unsigned acc = 0;
  for (; i + (kInFlight - 1) * stride < n16; i += kInFlight * stride) {
    uint4 v[kInFlight];
#pragma unroll
    for (int k = 0; k < kInFlight; ++k) v[k] = load_stream_16(src + i + k * stride);
#pragma unroll
    for (int k = 0; k < kInFlight; ++k) acc ^= v[k].x ^ v[k].y ^ v[k].z ^ v[k].w;
  }
  for (; i < n16; i += stride) {
    const uint4 v = load_stream_16(src + i);
    acc ^= v.x ^ v.y ^ v.z ^ v.w;
  }
  sink[(long long)blockIdx.x * blockDim.x + threadIdx.x] = acc;
}
