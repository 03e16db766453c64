// RMSNorm: out = rmsnorm(x) * weight. x is the residual stream: the O and down GEMMs add their
// output to it in their epilogue (C = A·B + C), so the norm only reads it.
//
// Layouts (bf16): x, out [tokens, hidden]; weight [hidden]. hidden % 8 == 0 and hidden <= 16384.
// Rows [row_begin, row_end) are normalized. Math in fp32, one rounding at the end.
//
// A block normalizes rows blockIdx.x, blockIdx.x + gridDim.x, ... and loads its next row before it
// reduces and writes the current one. A block a row left each SM idle between its row's loads and
// the next block's, so on a small partition it read at a third of the memory's limit.
//
// Launch: block = 32 * ceil(hidden / 8 / 4 / 32) threads (each thread holds up to 4 16-byte vectors
// of a row; 256 for hidden 8192), grid = min(row_end - row_begin, num_sms * (1024 / block)), no
// dynamic shared memory. num_sms: the SMs the launch may run on.
#include "common.cuh"

namespace {
constexpr int kMaxThreads = 512;
constexpr int kVectorsPerThread = 4;  // 4 x 8 values x 512 threads = hidden 16384

struct RowVectors {
  uint4 v[kVectorsPerThread];
};

__device__ __forceinline__ RowVectors load_row(const bf16_t* x, long long row, int hidden) {
  const uint4* x_row = reinterpret_cast<const uint4*>(x + row * hidden);
  const int vectors = hidden / 8;
  RowVectors r;
#pragma unroll
  for (int k = 0; k < kVectorsPerThread; ++k) {
    const int v = threadIdx.x + k * blockDim.x;
    if (v < vectors) r.v[k] = load_stream_16(x_row + v);
  }
  return r;
}
}  // namespace

// 2 blocks of 512 threads an SM: at most 64 registers a thread, two rows' loads in flight.
extern "C" __global__ void __launch_bounds__(kMaxThreads, 2)
    rmsnorm(const bf16_t* __restrict__ x, const bf16_t* __restrict__ weight, bf16_t* __restrict__ out,
            int row_begin, int row_end, int hidden, float eps) {
  // A slot per parity of the block's rows: a warp may write the next row's sum while a slower one
  // still reads this row's.
  __shared__ float warp_sums[2][kMaxThreads / 32];
  const int vectors = hidden / 8;
  const int warps = blockDim.x >> 5;
  const uint4* w_row = reinterpret_cast<const uint4*>(weight);
  int row = row_begin + blockIdx.x;
  if (row >= row_end) return;
  RowVectors current = load_row(x, row, hidden);
  for (int parity = 0;; parity ^= 1) {
    const int next = row + gridDim.x;
    RowVectors ahead;
    if (next < row_end) ahead = load_row(x, next, hidden);

    float squares = 0.f;
#pragma unroll
    for (int k = 0; k < kVectorsPerThread; ++k) {
      if (threadIdx.x + k * blockDim.x >= vectors) break;
      const unsigned w[4] = {current.v[k].x, current.v[k].y, current.v[k].z, current.v[k].w};
#pragma unroll
      for (int i = 0; i < 4; ++i) {
        const float lo = bf16_lo(w[i]), hi = bf16_hi(w[i]);
        squares += lo * lo + hi * hi;
      }
    }
    for (int d = 16; d > 0; d >>= 1) squares += __shfl_xor_sync(0xffffffffu, squares, d);
    if ((threadIdx.x & 31) == 0) warp_sums[parity][threadIdx.x >> 5] = squares;
    __syncthreads();
    float total = 0.f;
    for (int w = 0; w < warps; ++w) total += warp_sums[parity][w];
    const float inv_rms = rsqrtf(total / hidden + eps);

    uint4* out_row = reinterpret_cast<uint4*>(out + (long long)row * hidden);
#pragma unroll
    for (int k = 0; k < kVectorsPerThread; ++k) {
      const int v = threadIdx.x + k * blockDim.x;
      if (v >= vectors) break;
      const uint4 wv = w_row[v];
      const unsigned xw[4] = {current.v[k].x, current.v[k].y, current.v[k].z, current.v[k].w},
                     ww[4] = {wv.x, wv.y, wv.z, wv.w};
      unsigned ow[4];
#pragma unroll
      for (int i = 0; i < 4; ++i)
        ow[i] = pack_bf16x2(bf16_lo(xw[i]) * inv_rms * bf16_lo(ww[i]), bf16_hi(xw[i]) * inv_rms * bf16_hi(ww[i]));
      out_row[v] = make_u4(ow[0], ow[1], ow[2], ow[3]);
    }
    if (next >= row_end) return;
    current = ahead;
    row = next;
  }
}
