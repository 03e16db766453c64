// RMSNorm: out = rmsnorm(x) * weight. x is the residual stream: the O and down GEMMs add their
// output to it in their epilogue (C = A·B + C), so the norm only reads it.
//
// Layouts (bf16): x, out [tokens, hidden]; weight [hidden]. hidden % 8 == 0 and hidden <= 16384.
// Rows [row_begin, row_end) are normalized. Math in fp32, one rounding at the end.
//
// Launch: grid = row_end - row_begin, block 256, no dynamic shared memory.
#include "common.cuh"

namespace {
constexpr int kThreads = 256;
constexpr int kMaxVectorsPerThread = 8;  // 8 x 8 values x 256 threads = hidden 16384
}  // namespace

extern "C" __global__ void __launch_bounds__(kThreads)
    rmsnorm(const bf16_t* __restrict__ x, const bf16_t* __restrict__ weight, bf16_t* __restrict__ out,
            int row_begin, int row_end, int hidden, float eps) {
  __shared__ float warp_sums[kThreads / 32];
  const int row = row_begin + blockIdx.x;
  if (row >= row_end) return;  // a grid rounded up past the range
  const long long base = (long long)row * hidden;
  const int vectors = hidden / 8;
  const uint4* x_row = reinterpret_cast<const uint4*>(x + base);
  uint4 values[kMaxVectorsPerThread];
  float squares = 0.f;
#pragma unroll
  for (int k = 0; k < kMaxVectorsPerThread; ++k) {
    const int v = threadIdx.x + k * kThreads;
    if (v >= vectors) break;
    values[k] = x_row[v];
    const unsigned w[4] = {values[k].x, values[k].y, values[k].z, values[k].w};
#pragma unroll
    for (int i = 0; i < 4; ++i) {
      const float lo = bf16_lo(w[i]), hi = bf16_hi(w[i]);
      squares += lo * lo + hi * hi;
    }
  }
  for (int d = 16; d > 0; d >>= 1) squares += __shfl_xor_sync(0xffffffffu, squares, d);
  if ((threadIdx.x & 31) == 0) warp_sums[threadIdx.x >> 5] = squares;
  __syncthreads();
  float total = 0.f;
#pragma unroll
  for (int w = 0; w < kThreads / 32; ++w) total += warp_sums[w];
  const float inv_rms = rsqrtf(total / hidden + eps);

  const uint4* w_row = reinterpret_cast<const uint4*>(weight);
  uint4* out_row = reinterpret_cast<uint4*>(out + base);
#pragma unroll
  for (int k = 0; k < kMaxVectorsPerThread; ++k) {
    const int v = threadIdx.x + k * kThreads;
    if (v >= vectors) break;
    const uint4 wv = w_row[v];
    const unsigned xw[4] = {values[k].x, values[k].y, values[k].z, values[k].w}, ww[4] = {wv.x, wv.y, wv.z, wv.w};
    unsigned ow[4];
#pragma unroll
    for (int i = 0; i < 4; ++i)
      ow[i] = pack_bf16x2(bf16_lo(xw[i]) * inv_rms * bf16_lo(ww[i]), bf16_hi(xw[i]) * inv_rms * bf16_hi(ww[i]));
    out_row[v] = make_u4(ow[0], ow[1], ow[2], ow[3]);
  }
}
