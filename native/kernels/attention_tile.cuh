// What both decode attention kernels share: the constants of a tile, PTX helpers, and one warp's
// data path (a ring of shared-memory stages filled by bulk copies) and tile math. The kernels are
// decode_attention.cu (stream-K, any launch) and decode_attention_pairs.cu (whole pairs, large
// launches); decode_attention.cu's header holds the layouts both read.
#pragma once
#include "common.cuh"

namespace {

constexpr int kHeadDim = 128;
constexpr int kTileKeys = 16;
constexpr int kMaxGroup = 8;
constexpr int kTileBytes = kTileKeys * kHeadDim * 2;  // K or V of one tile
constexpr int kStageBytes = 2 * kTileBytes;
// Scores may pass the running max by this much (log2 units) before the warp rescales: weights
// stay below 2^8, harmless in fp32 and bf16.
constexpr float kMaxSlack = 8.f;

__device__ __forceinline__ float neg_inf() { return __int_as_float(0xff800000); }

__device__ __forceinline__ float fast_exp2(float x) {
  float y;
  asm("ex2.approx.ftz.f32 %0, %1;" : "=f"(y) : "f"(x));
  return y;
}

// c += a * b on one m16n8k16 bf16 tile, fp32 accumulate.
__device__ __forceinline__ void mma_16816(float (&c)[4], const unsigned (&a)[4], unsigned b0, unsigned b1) {
  asm volatile(
      "mma.sync.aligned.m16n8k16.row.col.f32.bf16.bf16.f32 {%0, %1, %2, %3}, {%4, %5, %6, %7}, "
      "{%8, %9}, {%0, %1, %2, %3};"
      : "+f"(c[0]), "+f"(c[1]), "+f"(c[2]), "+f"(c[3])
      : "r"(a[0]), "r"(a[1]), "r"(a[2]), "r"(a[3]), "r"(b0), "r"(b1));
}

__device__ __forceinline__ void ldmatrix_x4(unsigned (&r)[4], unsigned addr) {
  asm volatile("ldmatrix.sync.aligned.m8n8.x4.shared.b16 {%0, %1, %2, %3}, [%4];"
               : "=r"(r[0]), "=r"(r[1]), "=r"(r[2]), "=r"(r[3])
               : "r"(addr));
}

__device__ __forceinline__ void ldmatrix_x4_trans(unsigned (&r)[4], unsigned addr) {
  asm volatile("ldmatrix.sync.aligned.m8n8.x4.trans.shared.b16 {%0, %1, %2, %3}, [%4];"
               : "=r"(r[0]), "=r"(r[1]), "=r"(r[2]), "=r"(r[3])
               : "r"(addr));
}

// Transposes the warp's 8x8 bf16 matrix (lane 4g + t holds row g, columns 2t and 2t + 1).
__device__ __forceinline__ unsigned transpose_8x8(unsigned x) {
  unsigned y;
  asm volatile("movmatrix.sync.aligned.m8n8.trans.b16 %0, %1;" : "=r"(y) : "r"(x));
  return y;
}

__device__ __forceinline__ unsigned shared_address(const void* p) {
  unsigned a;
  asm("{ .reg .u64 t; cvta.to.shared.u64 t, %1; cvt.u32.u64 %0, t; }" : "=r"(a) : "l"(p));
  return a;
}

__device__ __forceinline__ void mbarrier_init(unsigned bar, int arrivals) {
  asm volatile("mbarrier.init.shared::cta.b64 [%0], %1;" ::"r"(bar), "r"(arrivals) : "memory");
}

// Makes the barriers' initialisation visible to the copy engine before the first copy uses them.
__device__ __forceinline__ void fence_mbarrier_init() {
  asm volatile("fence.mbarrier_init.release.cluster;" ::: "memory");
}

// One arrival that also expects `bytes` of copies to complete on the barrier before its phase ends.
__device__ __forceinline__ void mbarrier_arrive_expect(unsigned bar, unsigned bytes) {
  asm volatile("{ .reg .b64 state; mbarrier.arrive.expect_tx.shared::cta.b64 state, [%0], %1; }" ::"r"(bar), "r"(bytes)
               : "memory");
}

__device__ __forceinline__ bool mbarrier_try_wait(unsigned bar, unsigned parity) {
  unsigned done;
  asm volatile(
      "{ .reg .pred p; mbarrier.try_wait.parity.shared::cta.b64 p, [%1], %2; selp.u32 %0, 1, 0, p; }"
      : "=r"(done)
      : "r"(bar), "r"(parity)
      : "memory");
  return done != 0;
}

// L2 policies. The K and V streamed through once are marked first to go, the outputs last:
// otherwise the stream pushes the queries, page table and written lines out of L2, and dirty lines
// go back to memory in the middle of the reads. Measured on a whole H200 (bench/kernels/NOTES.md,
// v28): 256 -> 246 us for the pairs kernel, 262 -> 253 us for stream-K. Stream-K's pieces stay
// plain stores: kept, they cost small partitions half a point.
__device__ __forceinline__ unsigned long long l2_evict_first() {
  unsigned long long policy;
  asm("createpolicy.fractional.L2::evict_first.b64 %0, 1.0;" : "=l"(policy));
  return policy;
}

__device__ __forceinline__ unsigned long long l2_evict_last() {
  unsigned long long policy;
  asm("createpolicy.fractional.L2::evict_last.b64 %0, 1.0;" : "=l"(policy));
  return policy;
}

// Copies `bytes` (a multiple of 16, both addresses 16-byte aligned) from global to shared memory on
// the copy engine, to be evicted from L2 first; completion is counted on the barrier.
__device__ __forceinline__ void bulk_copy_streamed(unsigned dst, const void* src, unsigned bytes, unsigned bar,
                                                   unsigned long long policy) {
  asm volatile(
      "cp.async.bulk.shared::cluster.global.mbarrier::complete_tx::bytes.L2::cache_hint [%0], [%1], %2, [%3], %4;" ::"r"(
          dst),
      "l"(src), "r"(bytes), "r"(bar), "l"(policy)
      : "memory");
}

// Pulls a line into L1 ahead of its first read.
__device__ __forceinline__ void prefetch_l1(const void* p) { asm volatile("prefetch.global.L1 [%0];" ::"l"(p)); }

// Orders this warp's ordinary shared-memory writes before later copy-engine writes to the same bytes.
__device__ __forceinline__ void fence_proxy_async() { asm volatile("fence.proxy.async.shared::cta;" ::: "memory"); }

// Reads what other SMs wrote in this launch: from L2, never a stale L1 line.
__device__ __forceinline__ float4 load_l2_f32x4(const float* p) {
  float4 v;
  asm volatile("ld.global.cg.v4.f32 {%0, %1, %2, %3}, [%4];" : "=f"(v.x), "=f"(v.y), "=f"(v.z), "=f"(v.w) : "l"(p));
  return v;
}

// 8 bytes (4 bf16) at a time.
__device__ __forceinline__ uint2 load_l2_u32x2(const bf16_t* p) {
  uint2 v;
  asm volatile("ld.global.cg.v2.u32 {%0, %1}, [%2];" : "=r"(v.x), "=r"(v.y) : "l"(p));
  return v;
}

// An output store, kept in L2 (see l2_evict_last).
__device__ __forceinline__ void store_kept_bf16(bf16_t* p, float x) {
  asm volatile("st.global.L2::cache_hint.b16 [%0], %1, %2;" ::"l"(p), "h"(float_to_bf16(x)), "l"(l2_evict_last())
               : "memory");
}

__device__ __forceinline__ void store_u32x2(bf16_t* p, unsigned x, unsigned y) {
  asm volatile("st.global.v2.u32 [%0], {%1, %2};" ::"l"(p), "r"(x), "r"(y) : "memory");
}

__device__ __forceinline__ void store_f32x4(float* p, float x, float y, float z, float w) {
  asm volatile("st.global.v4.f32 [%0], {%1, %2, %3, %4};" ::"l"(p), "f"(x), "f"(y), "f"(z), "f"(w) : "memory");
}

__device__ __forceinline__ int tiles_of(int len) { return (len + kTileKeys - 1) / kTileKeys; }

// Byte offset of 16-byte chunk `chunk` of key row `key` in a staged tile (and in the cache's page):
// rows of 256 B with the chunk index xor-ed by the row's low 3 bits, so the 8 rows one ldmatrix
// phase reads hit 8 banks.
__device__ __forceinline__ unsigned staged_offset(int key, int chunk) {
  return key * 256 + ((chunk ^ (key & 7)) << 4);
}

// Where a tile and, for a pair's first tile, its queries live.
struct TileSource {
  long long offset;  // element offset of the tile in k_cache (and v_cache)
  int q_offset;      // element offset of the group's first q head; -1 past a pair's first tile
};

// The softmax state of the two q heads (2t and 2t + 1) a lane owns.
struct Partial {
  // O^T fragments: o[i][0] = (dim 16i+g, head 2t), [1] = (16i+g, 2t+1),
  //                o[i][2] = (dim 16i+8+g, head 2t), [3] = (16i+8+g, 2t+1).
  float o[8][4];
  float m0, m1;  // running maxima, in log2 units
  float l0, l1;  // this lane's share of the denominators, relative to m
  float limit0, limit1;  // raw scores above these move the maxima: (m + slack) / scale
};

struct Problem {
  const bf16_t* q;
  const bf16_t* k_cache;
  const bf16_t* v_cache;
  const int* page_table;
  bf16_t* out;
  bf16_t* partial_o;
  float* partial_ml;
  int* counters;
  const int* tile_prefix;  // stream-K only: the rows' first tiles, in shared memory
  const int* lens;         // context_lens of the launch's rows
  int row_begin, rows, pairs, n_q_heads, n_kv_heads, group, page_size, max_pages;
  long long page_stride;
  float scale_log2;

  // Element offset of the group's first q head for row r (counted from row_begin) and kv head h.
  __device__ int q_offset(int r, int h) const { return ((row_begin + r) * n_q_heads + h * group) * kHeadDim; }
  __device__ bf16_t* output(int r, int h) const { return out + (long long)q_offset(r, h); }
  // Element offset of the tile of row r, kv head h, from key `key` on.
  __device__ long long tile_offset(int r, int h, int key) const {
    const int page = page_table[(long long)(row_begin + r) * max_pages + key / page_size];
    return (long long)page * page_stride + (h * page_size + key % page_size) * kHeadDim;
  }
};

// The tile sources lane `from` holds, made warp-uniform: ptxas then gives the bulk copies uniform
// registers directly, where a per-lane issuer cost a loop around each copy (measured on an H200:
// 76% -> 84% of the read limit at 8 SMs).
__device__ __forceinline__ TileSource broadcast(const TileSource& s, int from) {
  const unsigned low = __shfl_sync(0xffffffffu, unsigned(s.offset), from);
  const unsigned high = __shfl_sync(0xffffffffu, unsigned((unsigned long long)s.offset >> 32), from);
  TileSource u;
  u.offset = (long long)(((unsigned long long)high << 32) | low);
  u.q_offset = __shfl_sync(0xffffffffu, s.q_offset, from);
  return u;
}

// One warp's data path, whichever the work split: its ring of stages, the copies into them, and
// the math of one tile into a Partial.
struct TileStreamer {
  const Problem& p;
  int lane, g, t;
  unsigned ring, barriers;  // shared addresses of stage 0 and of its mbarrier
  // Shared addresses (stage 0) this lane gives ldmatrix for K k-step k and V m-tile i.
  unsigned k_addr[8], v_addr[8];
  unsigned q_frag[16];  // B fragments of the 8 k-steps: Q[head g][16k + 2t..], Q[g][16k + 8 + 2t..]

  __device__ TileStreamer(const Problem& p_, unsigned ring_, unsigned barriers_) : p(p_), ring(ring_), barriers(barriers_) {
    lane = threadIdx.x & 31;
    g = lane >> 2;
    t = lane & 3;
    const int m = lane >> 3, r = lane & 7;
#pragma unroll
    for (int k = 0; k < 8; ++k) {
      k_addr[k] = ring + staged_offset(r + 8 * (m & 1), 2 * k + (m >> 1));
      v_addr[k] = ring + kTileBytes + staged_offset(r + 8 * (m >> 1), 2 * k + (m & 1));
    }
  }

  // Starts the copies of a tile into stage kStage (lane 0 issues; `s` must be warp-uniform), and
  // for a pair's first tile pulls its queries into L1. The warp must be done reading the stage.
  template <int kStage>
  __device__ void copy_tile(const TileSource& s) {
    if (lane != 0) return;
    const unsigned bar = barriers + kStage * 8;
    const unsigned dst = ring + kStage * kStageBytes;
    const unsigned long long policy = l2_evict_first();
    mbarrier_arrive_expect(bar, kStageBytes);
    bulk_copy_streamed(dst, p.k_cache + s.offset, kTileBytes, bar, policy);
    bulk_copy_streamed(dst + kTileBytes, p.v_cache + s.offset, kTileBytes, bar, policy);
    if (s.q_offset >= 0)
      for (int line = 0; line < 2 * p.group; ++line) prefetch_l1(p.q + s.q_offset + line * 64);
  }

  template <int kStage>
  __device__ void wait(unsigned parity) {
    while (!mbarrier_try_wait(barriers + kStage * 8, parity)) {
    }
  }

  // Zeroes the V rows of keys past the context (from `valid` on) in stage kStage, so their
  // weights of 0 meet zeros rather than whatever the cache held.
  template <int kStage>
  __device__ void clear_tail(int valid) {
    constexpr unsigned kV = kStage * kStageBytes + kTileBytes;
    for (int c = valid * 16 + lane; c < kTileKeys * 16; c += 32) {
      asm volatile("st.shared.v4.u32 [%0], {%1, %1, %1, %1};" ::"r"(ring + kV + c * 16), "r"(0u) : "memory");
    }
    fence_proxy_async();
    __syncwarp();
  }

  __device__ void reset(Partial& a) {
#pragma unroll
    for (int i = 0; i < 8; ++i) a.o[i][0] = a.o[i][1] = a.o[i][2] = a.o[i][3] = 0.f;
    a.m0 = a.m1 = neg_inf();
    a.l0 = a.l1 = 0.f;
    a.limit0 = a.limit1 = neg_inf();
  }

  // The B fragments of the queries of row r (from row_begin), kv head h; heads past the group are zero.
  __device__ void load_queries(int r, int h) {
    const unsigned* qw = reinterpret_cast<const unsigned*>(p.q + p.q_offset(r, h) + g * kHeadDim + 2 * t);
#pragma unroll
    for (int k = 0; k < 8; ++k) {
      q_frag[2 * k] = g < p.group ? qw[8 * k] : 0u;
      q_frag[2 * k + 1] = g < p.group ? qw[8 * k + 4] : 0u;
    }
  }

  // Adds the tile in stage kStage (landed) to a; in a pair's last tile only `valid` keys count.
  // Ends with the warp done reading the stage.
  template <int kStage>
  __device__ void accumulate(Partial& a, bool last_tile, int valid) {
    if (last_tile && valid < kTileKeys) clear_tail<kStage>(valid);
    constexpr unsigned kBase = kStage * kStageBytes;

    // S^T = K Q^T, keys on the 16-row side, two accumulator chains.
    float sa[4] = {0.f, 0.f, 0.f, 0.f}, sb[4] = {0.f, 0.f, 0.f, 0.f};
#pragma unroll
    for (int k = 0; k < 8; ++k) {
      unsigned frag[4];
      ldmatrix_x4(frag, k_addr[k] + kBase);
      mma_16816(k & 1 ? sb : sa, frag, q_frag[2 * k], q_frag[2 * k + 1]);
    }
    // Raw scores: lane holds keys g (s0, s1) and g + 8 (s2, s3), heads 2t and 2t + 1.
    float s0 = sa[0] + sb[0], s1 = sa[1] + sb[1], s2 = sa[2] + sb[2], s3 = sa[3] + sb[3];
    if (last_tile) {
      if (g >= valid) s0 = s1 = neg_inf();
      if (g + 8 >= valid) s2 = s3 = neg_inf();
    }
    if (__any_sync(0xffffffffu, fmaxf(s0, s2) > a.limit0 || fmaxf(s1, s3) > a.limit1)) rescale(a, s0, s1, s2, s3);
    const float p0 = fast_exp2(fmaf(s0, p.scale_log2, -a.m0)), p1 = fast_exp2(fmaf(s1, p.scale_log2, -a.m1));
    const float p2 = fast_exp2(fmaf(s2, p.scale_log2, -a.m0)), p3 = fast_exp2(fmaf(s3, p.scale_log2, -a.m1));
    a.l0 += p0 + p2;
    a.l1 += p1 + p3;
    const unsigned b0 = transpose_8x8(pack_bf16x2(p0, p1));
    const unsigned b1 = transpose_8x8(pack_bf16x2(p2, p3));

    // O^T += V^T P^T: m-tile i covers dims 16i..16i+15.
#pragma unroll
    for (int i = 0; i < 8; ++i) {
      unsigned frag[4];
      ldmatrix_x4_trans(frag, v_addr[i] + kBase);
      mma_16816(a.o[i], frag, b0, b1);
    }
    __syncwarp();  // every lane is done with the stage before the next step refills it
  }

  // Moves the maxima to this tile's (warp-wide) maxima and rescales what was summed so far.
  __device__ void rescale(Partial& a, float s0, float s1, float s2, float s3) {
    float mx0 = fmaxf(s0, s2), mx1 = fmaxf(s1, s3);
#pragma unroll
    for (int d = 4; d < 32; d <<= 1) {
      mx0 = fmaxf(mx0, __shfl_xor_sync(0xffffffffu, mx0, d));
      mx1 = fmaxf(mx1, __shfl_xor_sync(0xffffffffu, mx1, d));
    }
    const float n0 = fmaxf(a.m0, mx0 * p.scale_log2), n1 = fmaxf(a.m1, mx1 * p.scale_log2);
    const float c0 = fast_exp2(a.m0 - n0), c1 = fast_exp2(a.m1 - n1);
#pragma unroll
    for (int i = 0; i < 8; ++i) {
      a.o[i][0] *= c0;
      a.o[i][2] *= c0;
      a.o[i][1] *= c1;
      a.o[i][3] *= c1;
    }
    a.l0 *= c0;
    a.l1 *= c1;
    a.m0 = n0;
    a.m1 = n1;
    a.limit0 = (n0 + kMaxSlack) / p.scale_log2;
    a.limit1 = (n1 + kMaxSlack) / p.scale_log2;
  }

  // Sums the denominators over the lanes that hold the same two heads.
  __device__ void sum_l(Partial& a) {
#pragma unroll
    for (int d = 4; d < 32; d <<= 1) {
      a.l0 += __shfl_xor_sync(0xffffffffu, a.l0, d);
      a.l1 += __shfl_xor_sync(0xffffffffu, a.l1, d);
    }
  }
};

// The launch's arguments, as both kernels take them.
__device__ __forceinline__ Problem make_problem(const bf16_t* q, const bf16_t* k_cache, const bf16_t* v_cache,
                                                const int* page_table, const int* context_lens, bf16_t* out,
                                                bf16_t* partial_o, float* partial_ml, int* counters, int row_begin,
                                                int row_end, int n_q_heads, int n_kv_heads, int page_size,
                                                int max_pages, float scale) {
  Problem p;
  p.q = q;
  p.k_cache = k_cache;
  p.v_cache = v_cache;
  p.page_table = page_table;
  p.out = out;
  p.partial_o = partial_o;
  p.partial_ml = partial_ml;
  p.counters = counters;
  p.tile_prefix = nullptr;
  p.lens = context_lens + row_begin;
  p.row_begin = row_begin;
  p.rows = row_end - row_begin;
  p.pairs = p.rows * n_kv_heads;
  p.n_q_heads = n_q_heads;
  p.n_kv_heads = n_kv_heads;
  p.group = n_q_heads / n_kv_heads;
  p.page_size = page_size;
  p.max_pages = max_pages;
  p.page_stride = (long long)n_kv_heads * page_size * kHeadDim;
  p.scale_log2 = scale * 1.4426950408889634f;
  return p;
}

// Each warp owns kStages stages and their barriers (one arrival: the lane issuing the copies).
template <int kStages>
__device__ __forceinline__ void init_barriers(unsigned barriers) {
  if ((threadIdx.x & 31) < kStages) mbarrier_init(barriers + (threadIdx.x & 31) * 8, 1);
  fence_mbarrier_init();
  __syncwarp();
}

}  // namespace
