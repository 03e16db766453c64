// The batched SiLU-and-mul tried in session 14 and not kept (slower on every partition below 64 SMs;
// see README.md). Kept as the record of what h100-batched-silu/ ran.
//
// The rows' 16-byte vectors of out form one sequence; each thread takes vectors gridDim.x * 256
// apart, four at a time, so eight loads are in flight before it waits on one.
//
// Launch: grid = min(ceil((row_end - row_begin) * I / 8 / 256), num_sms * 4), block 256.
#include "common.cuh"

namespace {
constexpr int kThreads = 256;
constexpr int kBatch = 4;  // vectors a thread loads before it computes

__device__ __forceinline__ float silu_mul(float gate, float up) {
  return __fdividef(gate, 1.f + __expf(-gate)) * up;
}
}  // namespace

extern "C" __global__ void __launch_bounds__(kThreads)
    silu_and_mul(const bf16_t* __restrict__ gate_up, bf16_t* __restrict__ out, int row_begin,
                 int row_end, int intermediate) {
  const int per_row = intermediate / 8;
  const long long first = (long long)row_begin * per_row, end = (long long)row_end * per_row;
  const long long stride = (long long)gridDim.x * kThreads;
  for (long long base = first + blockIdx.x * kThreads + threadIdx.x; base < end; base += kBatch * stride) {
    uint4 g[kBatch], u[kBatch];
#pragma unroll
    for (int b = 0; b < kBatch; ++b) {
      const long long e = base + b * stride;
      if (e < end) {
        const long long row = e / per_row;
        const uint4* in_row = reinterpret_cast<const uint4*>(gate_up + row * 2 * intermediate);
        const int v = (int)(e - row * per_row);
        g[b] = load_stream_16(in_row + v);
        u[b] = load_stream_16(in_row + per_row + v);
      }
    }
#pragma unroll
    for (int b = 0; b < kBatch; ++b) {
      const long long e = base + b * stride;
      if (e >= end) break;
      const unsigned gw[4] = {g[b].x, g[b].y, g[b].z, g[b].w}, uw[4] = {u[b].x, u[b].y, u[b].z, u[b].w};
      unsigned ow[4];
#pragma unroll
      for (int i = 0; i < 4; ++i)
        ow[i] = pack_bf16x2(silu_mul(bf16_lo(gw[i]), bf16_lo(uw[i])), silu_mul(bf16_hi(gw[i]), bf16_hi(uw[i])));
      reinterpret_cast<uint4*>(out)[e] = make_u4(ow[0], ow[1], ow[2], ow[3]);
    }
  }
}
