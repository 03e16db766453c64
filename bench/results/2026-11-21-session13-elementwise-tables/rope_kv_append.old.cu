// RoPE on q and k of the fused QKV projection, and the append of k and v to the paged KV cache.
//
// Layouts (bf16 unless noted; head_dim is 128):
//   qkv          [tokens, (n_q_heads + 2 n_kv_heads) * 128]: q heads, then k heads, then v heads
//   q_out        [tokens, n_q_heads, 128]: rotated q, in the layout decode_attention reads
//   k_cache, v_cache [num_pages, n_kv_heads, page_size, 128], as in decode_attention.cu: 16-byte
//                    chunk c of the key in slot s of its page is stored at chunk c ^ (s & 7)
//   positions    int32 [tokens]: the position of each row's token
//   page_table   int32 [requests, max_pages]; row t is request t, as in decode_attention
// Row t's k and v go to page page_table[t][pos / page_size], slot pos % page_size.
// Rotation (Llama, rotate-half, plain theta): for i < 64, a_i = pos * rope_theta^(-i / 64),
//   y[i] = x[i] cos a_i - x[i + 64] sin a_i,  y[i + 64] = x[i + 64] cos a_i + x[i] sin a_i.
// The angles are formed in fp64 and reduced to [-pi, pi] before the fast fp32 sine and cosine, so long
// positions keep full precision.
//
// One block a row. The row's 64 (cos, sin) pairs are the same for every head, and the fp64 math is
// long library code, so they are computed once a block: the last two warps each compute one a thread
// and pass them on through shared memory. Meanwhile the first six warps load their qkv words and the
// page-table entry and copy v, which needs no angle; after the barrier they rotate heads warp,
// warp + 6, ... of q and k, a word (two dims) a lane.
//
// Launch: grid = row_end - row_begin, block 256, no dynamic shared memory.
#include "common.cuh"

namespace {
constexpr int kHeadDim = 128;
constexpr int kThreads = 256;
constexpr int kPairs = kHeadDim / 2;              // rotation angles a row
constexpr int kRotateThreads = kThreads - kPairs;  // threads 0..191 load and rotate; 192..255 compute
constexpr int kRotateWarps = kRotateThreads / 32;

// cos and sin of pos * theta^(-i / 64). theta^(-i / 64) does not need pos, so it is computed while
// pos's load is in flight.
__device__ __forceinline__ void rope_angle(int pos, int i, float rope_theta, float& c, float& s) {
  const double inv_freq = exp2(-i * (1.0 / 64.0) * log2((double)rope_theta));
  const double angle = pos * inv_freq;
  const double two_pi = 6.283185307179586;
  __sincosf((float)(angle - two_pi * rint(angle / two_pi)), &s, &c);
}

__device__ __forceinline__ unsigned rotate(unsigned x, unsigned partner, float c0, float s0, float c1,
                                           float s1, float sign) {
  return pack_bf16x2(bf16_lo(x) * c0 + sign * bf16_lo(partner) * s0,
                     bf16_hi(x) * c1 + sign * bf16_hi(partner) * s1);
}
}  // namespace

// 8 blocks an SM (32 registers a thread; 40 allowed 6) hold a 1024-row grid in one wave on 132 SMs.
extern "C" __global__ void __launch_bounds__(kThreads, 8)
    rope_kv_append(const bf16_t* __restrict__ qkv, bf16_t* __restrict__ q_out,
                   bf16_t* __restrict__ k_cache, bf16_t* __restrict__ v_cache,
                   const int* __restrict__ positions, const int* __restrict__ page_table,
                   int row_begin, int row_end, int n_q_heads, int n_kv_heads, int page_size,
                   int max_pages, float rope_theta) {
  // factors[j] = (cos a_2j, sin a_2j, cos a_2j+1, sin a_2j+1): lane j's factors for every head.
  __shared__ float4 factors[kPairs / 2];
  const int row = row_begin + blockIdx.x;
  if (row >= row_end) return;  // a grid rounded up past the range (the whole block: the barrier is safe)
  const int pos = positions[row];
  const int slot = pos % page_size;
  const int swizzle = slot & 7;  // the cache's chunk order for this slot
  const int n_rotated = n_q_heads + n_kv_heads;
  const bf16_t* in = qkv + (long long)row * (n_q_heads + 2 * n_kv_heads) * kHeadDim;
  const long long cache_head_stride = (long long)page_size * kHeadDim;

  // Lane j rotates dims 2j, 2j + 1 against 64 + 2j, 65 + 2j: words j and 32 + j of a head. The
  // loads run two heads ahead of the rotation.
  const int j = threadIdx.x & 31;
  const int warp = threadIdx.x >> 5;
  auto load_head = [&](int h, unsigned& lo, unsigned& hi) {
    if (h < n_rotated) {
      const unsigned* x = reinterpret_cast<const unsigned*>(in + h * kHeadDim);
      lo = x[j];
      hi = x[32 + j];
    }
  };
  unsigned lo0 = 0, hi0 = 0, lo1 = 0, hi1 = 0;
  long long cache_row = 0;
  if (warp >= kRotateWarps) {
    // Nothing before this waits on pos, so the fp64 math starts at once.
    const int i = threadIdx.x - kRotateThreads;
    float c, s;
    rope_angle(pos, i, rope_theta, c, s);
    float* f = reinterpret_cast<float*>(factors) + 2 * i;
    f[0] = c;
    f[1] = s;
  } else {
    load_head(warp, lo0, hi0);
    load_head(warp + kRotateWarps, lo1, hi1);
    const int page = page_table[(long long)row * max_pages + pos / page_size];
    cache_row = ((long long)page * n_kv_heads * page_size + slot) * kHeadDim;
    // v is copied as is, 16 bytes a thread.
    const uint4* v_in = reinterpret_cast<const uint4*>(in + n_rotated * kHeadDim);
    for (int c = threadIdx.x; c < n_kv_heads * kHeadDim / 8; c += kRotateThreads) {
      const int h = c / (kHeadDim / 8), chunk = c % (kHeadDim / 8);
      reinterpret_cast<uint4*>(v_cache + cache_row + h * cache_head_stride)[chunk ^ swizzle] = v_in[c];
    }
  }
  __syncthreads();
  if (warp >= kRotateWarps) return;

  const float4 f = factors[j];
  const float c0 = f.x, s0 = f.y, c1 = f.z, s1 = f.w;
  // In the cache, words j and 32 + j sit in chunks (j / 4) ^ swizzle and 8 + that.
  const int j_cache = (((j >> 2) ^ swizzle) << 2) | (j & 3);
#pragma unroll 1  // the loads are already two heads ahead; unrolled, the loop needs more than 32 registers
  for (int h = warp; h < n_rotated; h += kRotateWarps) {
    const unsigned lo = lo0, hi = hi0;
    lo0 = lo1;
    hi0 = hi1;
    load_head(h + 2 * kRotateWarps, lo1, hi1);
    bf16_t* dst = h < n_q_heads ? q_out + ((long long)row * n_q_heads + h) * kHeadDim
                                : k_cache + cache_row + (h - n_q_heads) * cache_head_stride;
    unsigned* y = reinterpret_cast<unsigned*>(dst);
    const int word = h < n_q_heads ? j : j_cache;
    y[word] = rotate(lo, hi, c0, s0, c1, s1, -1.f);
    y[32 + word] = rotate(hi, lo, c0, s0, c1, s1, 1.f);
  }
}
