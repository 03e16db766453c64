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
// A warp takes up to 10 heads of q and k of one row (Llama-2-70B on 8 GPUs: all 9 of a row; on 2: 36
// heads, 4 warps), eight warps a block. A row moves little (2.5 KB for Llama-2-70B on 8 GPUs), so what
// bounds the kernel is how many loads are in flight at once, above all on a small SM partition: each
// warp issues all its loads (its heads, and v for a row's first warp) before it needs an angle. The
// 64 frequencies theta^(-i / 64) are long fp64 library code, so the block's first 64 threads compute
// them once for its eight warps while those loads are in flight.
//
// Launch: grid = ceil((row_end - row_begin) * ceil((n_q_heads + n_kv_heads) / 10) / 8), block 256,
// no dynamic shared memory.
#include "common.cuh"

namespace {
constexpr int kHeadDim = 128;
constexpr int kThreads = 256;
constexpr int kWarps = kThreads / 32;
constexpr int kPairs = kHeadDim / 2;  // rotation frequencies
// Heads of q and k one warp rotates (the launch rule's 10).
constexpr int kHeadsPerWarp = 10;

__device__ __forceinline__ unsigned rotate(unsigned x, unsigned partner, float c0, float s0, float c1,
                                           float s1, float sign) {
  return pack_bf16x2(bf16_lo(x) * c0 + sign * bf16_lo(partner) * s0,
                     bf16_hi(x) * c1 + sign * bf16_hi(partner) * s1);
}

// cos and sin of pos * inv_freq, reduced to [-pi, pi] in fp64.
__device__ __forceinline__ void rope_angle(int pos, double inv_freq, float& c, float& s) {
  const double angle = pos * inv_freq;
  const double two_pi = 6.283185307179586, inv_two_pi = 0.15915494309189535;
  __sincosf((float)(angle - two_pi * rint(angle * inv_two_pi)), &s, &c);
}
}  // namespace

// 4 blocks an SM: 64 registers a thread, 32 warps' loads in flight; 5 would spill.
extern "C" __global__ void __launch_bounds__(kThreads, 4)
    rope_kv_append(const bf16_t* __restrict__ qkv, bf16_t* __restrict__ q_out,
                   bf16_t* __restrict__ k_cache, bf16_t* __restrict__ v_cache,
                   const int* __restrict__ positions, const int* __restrict__ page_table,
                   int row_begin, int row_end, int n_q_heads, int n_kv_heads, int page_size,
                   int max_pages, float rope_theta) {
  __shared__ double inv_freq[kPairs];
  const int j = threadIdx.x & 31;
  const int n_rotated = n_q_heads + n_kv_heads;
  const int warps_a_row = (n_rotated + kHeadsPerWarp - 1) / kHeadsPerWarp;
  const int item = blockIdx.x * kWarps + (threadIdx.x >> 5);
  const int row = row_begin + item / warps_a_row;
  const int first = (item % warps_a_row) * kHeadsPerWarp;  // this warp's first head
  // A warp past the range still reaches the barrier below.
  const bool active = row < row_end;
  const bf16_t* in = qkv + (long long)row * (n_q_heads + 2 * n_kv_heads) * kHeadDim;
  const long long cache_head_stride = (long long)page_size * kHeadDim;

  // Lane j rotates dims 2j, 2j + 1 against 64 + 2j, 65 + 2j: words j and 32 + j of a head.
  unsigned lo[kHeadsPerWarp], hi[kHeadsPerWarp];
  int pos = 0, swizzle = 0;
  long long cache_row = 0;
  if (active) {
    pos = positions[row];
#pragma unroll
    for (int k = 0; k < kHeadsPerWarp; ++k) {
      if (first + k < n_rotated) {
        const unsigned* x = reinterpret_cast<const unsigned*>(in + (first + k) * kHeadDim);
        lo[k] = x[j];
        hi[k] = x[32 + j];
      }
    }
    const int slot = pos % page_size;
    swizzle = slot & 7;  // the cache's chunk order for this slot
    const int page = page_table[(long long)row * max_pages + pos / page_size];
    cache_row = ((long long)page * n_kv_heads * page_size + slot) * kHeadDim;
    if (first == 0) {
      // v is copied as is, 16 bytes a lane, by the row's first warp.
      const uint4* v_in = reinterpret_cast<const uint4*>(in + n_rotated * kHeadDim);
      for (int c = j; c < n_kv_heads * kHeadDim / 8; c += 32) {
        const int h = c / (kHeadDim / 8), chunk = c % (kHeadDim / 8);
        reinterpret_cast<uint4*>(v_cache + cache_row + h * cache_head_stride)[chunk ^ swizzle] = v_in[c];
      }
    }
  }
  if (threadIdx.x < kPairs) {
    const int i = threadIdx.x;
    inv_freq[i] = exp2(-i * (1.0 / 64.0) * log2((double)rope_theta));
  }
  __syncthreads();
  if (!active) return;

  float c0, s0, c1, s1;
  rope_angle(pos, inv_freq[2 * j], c0, s0);
  rope_angle(pos, inv_freq[2 * j + 1], c1, s1);
  // In the cache, words j and 32 + j sit in chunks (j / 4) ^ swizzle and 8 + that.
  const int j_cache = (((j >> 2) ^ swizzle) << 2) | (j & 3);
#pragma unroll
  for (int k = 0; k < kHeadsPerWarp; ++k) {
    const int h = first + k;
    if (h >= n_rotated) break;
    bf16_t* dst = h < n_q_heads ? q_out + ((long long)row * n_q_heads + h) * kHeadDim
                                : k_cache + cache_row + (h - n_q_heads) * cache_head_stride;
    unsigned* y = reinterpret_cast<unsigned*>(dst);
    const int word = h < n_q_heads ? j : j_cache;
    y[word] = rotate(lo[k], hi[k], c0, s0, c1, s1, -1.f);
    y[32 + word] = rotate(hi[k], lo[k], c0, s0, c1, s1, 1.f);
  }
}
