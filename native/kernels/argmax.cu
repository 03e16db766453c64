// Greedy sampling: the index of each row's largest logit.
//
// Layouts: logits bf16 [tokens, row_stride], of which each row's first vocab (<= row_stride) are
// compared (a vocabulary-parallel rank's real rows, before its zero padding); out_ids int32
// [tokens]; out_max float32 [tokens], or a null pointer to skip it. Ties go to the lowest index, as
// torch.argmax; NaN logits are never chosen. Rows are read 16 bytes at a time where vocab and
// row_stride are multiples of 8, else one value at a time.
//
// Launch: grid = row_end - row_begin, block 512, no dynamic shared memory.
#include "common.cuh"

namespace {
constexpr int kThreads = 512;

struct Best {
  float value;
  int index;
  // Keeps the larger value; on a tie, the lower index.
  __device__ void offer(float v, int i) {
    if (v > value || (v == value && i < index)) {
      value = v;
      index = i;
    }
  }
};

// Offers the 8 logits of one 16-byte vector starting at index first.
__device__ __forceinline__ void offer_vector(Best& best, const uint4& q, int first) {
  const unsigned w[4] = {q.x, q.y, q.z, q.w};
#pragma unroll
  for (int i = 0; i < 4; ++i) {
    best.offer(bf16_lo(w[i]), first + 2 * i);
    best.offer(bf16_hi(w[i]), first + 2 * i + 1);
  }
}
}  // namespace

extern "C" __global__ void __launch_bounds__(kThreads)
    argmax(const bf16_t* __restrict__ logits, int* __restrict__ out_ids, float* __restrict__ out_max,
           int row_begin, int row_end, int vocab, int row_stride) {
  __shared__ Best warp_best[kThreads / 32];
  const long long row = row_begin + blockIdx.x;
  if (row >= row_end) return;  // a grid rounded up past the range
  const bf16_t* in = logits + row * row_stride;
  Best best = {__int_as_float(0xff800000), vocab};
  if (vocab % 8 == 0 && row_stride % 8 == 0) {
    const uint4* in16 = reinterpret_cast<const uint4*>(in);
    const int vectors = vocab / 8;
    int v = threadIdx.x;
    // Four loads in flight before any compare.
    for (; v + 3 * kThreads < vectors; v += 4 * kThreads) {
      uint4 q[4];
#pragma unroll
      for (int k = 0; k < 4; ++k) q[k] = load_stream_16(in16 + v + k * kThreads);
#pragma unroll
      for (int k = 0; k < 4; ++k) offer_vector(best, q[k], 8 * (v + k * kThreads));
    }
    for (; v < vectors; v += kThreads) offer_vector(best, load_stream_16(in16 + v), 8 * v);
  } else {
    for (int i = threadIdx.x; i < vocab; i += kThreads) best.offer(bf16_to_float(in[i]), i);
  }
  for (int d = 16; d > 0; d >>= 1)
    best.offer(__shfl_xor_sync(0xffffffffu, best.value, d), __shfl_xor_sync(0xffffffffu, best.index, d));
  if ((threadIdx.x & 31) == 0) warp_best[threadIdx.x >> 5] = best;
  __syncthreads();
  if (threadIdx.x != 0) return;
  for (int w = 1; w < kThreads / 32; ++w) best.offer(warp_best[w].value, warp_best[w].index);
  // A row of NaNs only: report index 0 rather than one past the end.
  out_ids[row] = best.index < vocab ? best.index : 0;
  if (out_max) out_max[row] = best.value;
}
