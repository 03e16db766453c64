// Decode attention for grouped-query heads over a paged KV cache: split-KV (flash-decoding) with
// the split sized from the grid, and the log-sum-exp merge done inside the same kernel.
//
// Layouts (bf16 unless noted; head_dim is 128):
//   q                [tokens, n_q_heads, 128]
//   k_cache, v_cache [num_pages, n_kv_heads, page_size, 128]: a (page, kv head) block is contiguous
//   page_table       int32 [requests, max_pages]: the pages of request r, in key order
//   context_lens     int32 [requests]: keys to attend, >= 1, the current token's included
//   out              [tokens, n_q_heads, 128]
// Decode row t (of q and out) attends with request t (row t of page_table and context_lens).
// q head h * group + j (j < group) reads kv head h; group = n_q_heads / n_kv_heads, at most 8.
// page_size is a multiple of 16.
//
// Work split: the 16-key tiles of every (row, kv head) pair form one sequence, and each warp takes
// an equal contiguous share of it (stream-K), so all SMs of the partition stay busy whatever the
// context lengths. A pair cut between warps is merged by whichever of its warps finishes last,
// through the workspace; nobody waits on another warp, so it never assumes co-residency.
//
// Data path: 16-byte loads straight into tensor-core fragments, two tiles in flight per warp. No
// shared-memory staging: from 8 SMs the stream is about 80 B/clk per SM, and staging would pass
// every byte through shared memory twice, beyond its 128 B/clk.
// Math: S^T = K Q^T with keys on the 16-row side, so a group of 8 q heads fills the 8 columns;
// then O^T = V^T P^T. Dot products are order-free, so each lane loads whole 16-byte chunks and the
// head_dim order inside a fragment is permuted the same way for K and Q.
//
// Launch: block 128 threads (4 warps), grid = 2 * num_sms (two blocks fit per SM), dynamic shared
// memory (2 * (row_end - row_begin) + 1) * 4 bytes. Workspace, for W = 4 * grid warps:
//   partial_o  float [2 W, 8, 128], partial_ml float [2 W, 8, 2], counters int32 [W].
// counters must be zero before the first launch; the kernel leaves them zero. Launches that may run
// at the same time need separate workspaces.
#include "common.cuh"

namespace {

constexpr int kHeadDim = 128;
constexpr int kTileKeys = 16;
constexpr int kWarpsPerBlock = 4;
constexpr int kMaxGroup = 8;
// Fewer tiles per warp than this and the merge costs more than the split gains.
constexpr int kMinTilesPerWarp = 4;
// q rows sit 320 B apart in shared memory so that the two heads a quarter-warp reads use
// different banks.
constexpr int kQRowStride = 160;
constexpr int kQSlotElems = kMaxGroup * kQRowStride;

__device__ __forceinline__ float neg_inf() { return __int_as_float(0xff800000); }

__device__ __forceinline__ float fast_exp2(float x) {
  float y;
  asm("ex2.approx.ftz.f32 %0, %1;" : "=f"(y) : "f"(x));
  return y;
}

// c += a * b on one m16n8k16 bf16 tile, fp32 accumulate.
__device__ __forceinline__ void mma_16816(float (&c)[4], unsigned a0, unsigned a1, unsigned a2,
                                          unsigned a3, unsigned b0, unsigned b1) {
  asm volatile(
      "mma.sync.aligned.m16n8k16.row.col.f32.bf16.bf16.f32 {%0, %1, %2, %3}, {%4, %5, %6, %7}, "
      "{%8, %9}, {%0, %1, %2, %3};"
      : "+f"(c[0]), "+f"(c[1]), "+f"(c[2]), "+f"(c[3])
      : "r"(a0), "r"(a1), "r"(a2), "r"(a3), "r"(b0), "r"(b1));
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

// 16 bytes global -> shared; src_bytes 0 writes zeros.
__device__ __forceinline__ void cp_async_16(void* dst, const void* src, int src_bytes) {
  asm volatile("cp.async.cg.shared.global [%0], [%1], 16, %2;" ::"r"(shared_address(dst)), "l"(src),
               "r"(src_bytes)
               : "memory");
}
__device__ __forceinline__ void cp_async_commit() { asm volatile("cp.async.commit_group;" ::: "memory"); }
__device__ __forceinline__ void cp_async_wait_all_but_one() { asm volatile("cp.async.wait_group 1;" ::: "memory"); }

__device__ __forceinline__ void store_16(void* p, uint4 v) {
  asm volatile("st.global.v4.u32 [%0], {%1, %2, %3, %4};" ::"l"(p), "r"(v.x), "r"(v.y), "r"(v.z), "r"(v.w)
               : "memory");
}
__device__ __forceinline__ void store_f32x4(float* p, float a, float b, float c, float d) {
  asm volatile("st.global.v4.f32 [%0], {%1, %2, %3, %4};" ::"l"(p), "f"(a), "f"(b), "f"(c), "f"(d)
               : "memory");
}
// Reads what other SMs wrote in this launch: from L2, never a stale L1 line.
__device__ __forceinline__ float4 load_l2_f32x4(const float* p) {
  float4 v;
  asm volatile("ld.global.cg.v4.f32 {%0, %1, %2, %3}, [%4];"
               : "=f"(v.x), "=f"(v.y), "=f"(v.z), "=f"(v.w)
               : "l"(p));
  return v;
}
__device__ __forceinline__ float load_l2_f32(const float* p) {
  float v;
  asm volatile("ld.global.cg.f32 %0, [%1];" : "=f"(v) : "l"(p));
  return v;
}

__device__ __forceinline__ int tiles_of(int len) { return (len + kTileKeys - 1) / kTileKeys; }

// One tile's K and V in mma-fragment order. Lane 4g + t holds:
//   k[j], k[4 + j]: keys g and g + 8, head_dim chunk 4j + t (8 values each);
//   v[0..3]: keys 2t, 2t+1, 2t, 2t+1 at chunks g, g, g+8, g+8; v[4..7]: the same for keys + 8.
struct KvTile {
  uint4 k[8];
  uint4 v[8];
};

// Where a tile and its queries live.
struct TileSource {
  int page;      // page id, from the page table
  int in_page;   // element offset of the tile inside the page, kv head included
  int q_offset;  // element offset of the group's first q head
};

// The softmax state of the two q heads (2t and 2t + 1) a lane owns.
struct Partial {
  // O^T fragments: o[i][0] = (dim 8g+i, head 2t), [1] = (8g+i, 2t+1),
  //                o[i][2] = (dim 64+8g+i, head 2t), [3] = (64+8g+i, 2t+1).
  float o[8][4];
  float m0, m1;  // running maxima, in log2 units
  float l0, l1;  // this lane's share of the denominators, relative to m
};

struct Problem {
  const bf16_t* q;
  const bf16_t* k_cache;
  const bf16_t* v_cache;
  const int* page_table;
  bf16_t* out;
  float* partial_o;
  float* partial_ml;
  int* counters;
  const int* tile_prefix;  // shared: first tile of each row, per kv head
  const int* lens;         // shared: context lengths
  int row_begin, rows, n_q_heads, n_kv_heads, group, page_size, max_pages;
  long long page_stride;  // elements per page: n_kv_heads * page_size * 128
  float scale_log2;
};

// The even split of total tiles over active warps: the first `rem` warps take one more.
struct WarpShares {
  int total, active, each, rem;
  __device__ int first_tile(int w) const { return w * each + imin(w, rem); }
  __device__ int warp_of(int x) const {
    const int big = rem * (each + 1);
    return x < big ? x / (each + 1) : rem + (x - big) / each;
  }
};

// Copies the rows' context lengths to shared memory and writes, per row, the index of its first
// tile (counted for one kv head); tile_prefix[rows] is the total.
__device__ void build_tile_prefix(const int* context_lens, int rows, int* tile_prefix, int* lens) {
  __shared__ int warp_total[kWarpsPerBlock];
  const int lane = threadIdx.x & 31, warp = threadIdx.x >> 5;
  for (int i = threadIdx.x; i < rows; i += blockDim.x) lens[i] = context_lens[i];
  __syncthreads();
  const int per = (rows + blockDim.x - 1) / blockDim.x;
  const int begin = imin(rows, threadIdx.x * per), end = imin(rows, begin + per);
  int sum = 0;
  for (int i = begin; i < end; ++i) sum += tiles_of(lens[i]);
  int inclusive = sum;
  for (int d = 1; d < 32; d <<= 1) {
    const int v = __shfl_up_sync(0xffffffffu, inclusive, d);
    if (lane >= d) inclusive += v;
  }
  if (lane == 31) warp_total[warp] = inclusive;
  __syncthreads();
  int run = inclusive - sum;
  for (int w = 0; w < warp; ++w) run += warp_total[w];
  for (int i = begin; i < end; ++i) {
    tile_prefix[i] = run;
    run += tiles_of(lens[i]);
  }
  if (threadIdx.x == blockDim.x - 1) tile_prefix[rows] = run;
  __syncthreads();
}

// The row holding tile x: the last row whose first tile is at or before x (rows of no tiles share
// their successor's first tile, so they are skipped).
__device__ int row_of_tile(const Problem& p, int x) {
  int lo = 0, hi = p.rows - 1;
  while (lo < hi) {
    const int mid = (lo + hi + 1) >> 1;
    if (p.n_kv_heads * p.tile_prefix[mid] <= x) lo = mid;
    else hi = mid - 1;
  }
  return lo;
}

__device__ TileSource locate_tile(const Problem& p, int x, int end) {
  TileSource s = {0, 0, 0};
  if (x < end) {
    const int r = row_of_tile(p, x);
    const int row_tiles = p.tile_prefix[r + 1] - p.tile_prefix[r];
    const int rest = x - p.n_kv_heads * p.tile_prefix[r];
    const int h = rest / row_tiles;
    const int key = (rest - h * row_tiles) * kTileKeys;
    const int row = p.row_begin + r;
    s.page = p.page_table[(long long)row * p.max_pages + key / p.page_size];
    s.in_page = (h * p.page_size + key % p.page_size) * kHeadDim;
    s.q_offset = (row * p.n_q_heads + h * p.group) * kHeadDim;
  }
  return s;
}

__device__ __forceinline__ unsigned pair_keys(unsigned key_a, unsigned key_b, int odd_dim) {
  // Two keys' bf16 values at one dim -> one fragment word (key_a low, key_b high).
  return __byte_perm(key_a, key_b, odd_dim ? 0x7632 : 0x5410);
}

__device__ __forceinline__ unsigned word(const uint4& v, int i) {
  return i == 0 ? v.x : i == 1 ? v.y : i == 2 ? v.z : v.w;
}

// One warp's walk over its share of the tile sequence.
struct Walker {
  const Problem& p;
  const WarpShares& shares;
  int w, lane, g, t;
  int begin, steps;
  bf16_t* q_slots;  // this warp's two q slots in shared memory

  // Loader: sources of 32 upcoming steps, one per lane (current and next window).
  TileSource window, next_window;
  // Consumer cursor: row, kv head and tile within the (row, kv head) of the step being computed.
  int row, head, tile, row_tiles, row_len;

  __device__ Walker(const Problem& p_, const WarpShares& s_, int w_, bf16_t* slots)
      : p(p_), shares(s_), w(w_), q_slots(slots) {
    lane = threadIdx.x & 31;
    g = lane >> 2;
    t = lane & 3;
    begin = shares.first_tile(w);
    steps = shares.first_tile(w + 1) - begin;
    const int end = begin + steps;
    window = locate_tile(p, begin + lane, end);
    next_window = locate_tile(p, begin + 32 + lane, end);
    row = row_of_tile(p, begin);
    row_tiles = p.tile_prefix[row + 1] - p.tile_prefix[row];
    row_len = p.lens[row];
    const int rest = begin - p.n_kv_heads * p.tile_prefix[row];
    head = rest / row_tiles;
    tile = rest - head * row_tiles;
  }

  __device__ void fill_q_slot(bf16_t* slot, int q_offset) {
#pragma unroll
    for (int i = 0; i < kMaxGroup * 16 / 32; ++i) {
      const int c = lane + 32 * i, h = c >> 4, chunk = c & 15;
      const bool real = h < p.group;
      cp_async_16(slot + h * kQRowStride + chunk * 8, p.q + q_offset + (real ? h * kHeadDim + chunk * 8 : 0),
                  real ? 16 : 0);
    }
  }

  // Issues step s's K loads into x (and its queries into the slot, if they changed); returns the
  // element offset of the tile for the V loads, or -1 past the end. Commits one cp.async group
  // whatever happens, so that "all groups but the newest" is always the step being computed.
  __device__ long long issue_k(KvTile& x, int s, int& slot_q_offset) {
    long long offset = -1;
    if (s < steps) {
      if ((s & 31) == 0 && s > 0) {
        window = next_window;
        next_window = locate_tile(p, begin + s + 32 + lane, begin + steps);
      }
      const int page = __shfl_sync(0xffffffffu, window.page, s & 31);
      const int in_page = __shfl_sync(0xffffffffu, window.in_page, s & 31);
      const int q_offset = __shfl_sync(0xffffffffu, window.q_offset, s & 31);
      if (q_offset != slot_q_offset) {
        fill_q_slot(q_slots + (s & 1) * kQSlotElems, q_offset);
        slot_q_offset = q_offset;
      }
      offset = (long long)page * p.page_stride + in_page;
      const bf16_t* kb = p.k_cache + offset;
#pragma unroll
      for (int j = 0; j < 4; ++j) {
        x.k[j] = load_stream_16(kb + g * kHeadDim + (4 * j + t) * 8);
        x.k[4 + j] = load_stream_16(kb + (g + 8) * kHeadDim + (4 * j + t) * 8);
      }
    }
    cp_async_commit();
    return offset;
  }

  __device__ void issue_v(KvTile& x, long long offset) {
    if (offset < 0) return;
    const bf16_t* vb = p.v_cache + offset;
#pragma unroll
    for (int half = 0; half < 2; ++half) {
      const bf16_t* base = vb + (2 * t + 8 * half) * kHeadDim + g * 8;
      x.v[4 * half + 0] = load_stream_16(base);
      x.v[4 * half + 1] = load_stream_16(base + kHeadDim);
      x.v[4 * half + 2] = load_stream_16(base + 64);
      x.v[4 * half + 3] = load_stream_16(base + kHeadDim + 64);
    }
  }

  __device__ void reset(Partial& a) {
#pragma unroll
    for (int i = 0; i < 8; ++i) a.o[i][0] = a.o[i][1] = a.o[i][2] = a.o[i][3] = 0.f;
    a.m0 = a.m1 = neg_inf();
    a.l0 = a.l1 = 0.f;
  }

  // Computes step s on x, then reuses x's registers for step s + 2.
  __device__ void step(KvTile& x, int s, int& slot_q_offset, Partial& a) {
    cp_async_wait_all_but_one();
    __syncwarp();
    const bf16_t* qs = q_slots + (s & 1) * kQSlotElems + g * kQRowStride + t * 8;

    // S^T = K Q^T: two accumulator chains halve the dependent mma latency.
    float sa[4] = {0.f, 0.f, 0.f, 0.f}, sb[4] = {0.f, 0.f, 0.f, 0.f};
#pragma unroll
    for (int j = 0; j < 4; ++j) {
      const uint4 qv = *reinterpret_cast<const uint4*>(qs + 32 * j);
      mma_16816(sa, x.k[j].x, x.k[4 + j].x, x.k[j].y, x.k[4 + j].y, qv.x, qv.y);
      mma_16816(sb, x.k[j].z, x.k[4 + j].z, x.k[j].w, x.k[4 + j].w, qv.z, qv.w);
    }
    __syncwarp();  // every lane has read the q slot before it is refilled
    const long long next_offset = issue_k(x, s + 2, slot_q_offset);

    // Scores in log2 units: lane holds keys g (x0, x1) and g + 8 (x2, x3), heads 2t and 2t + 1.
    float x0 = (sa[0] + sb[0]) * p.scale_log2, x1 = (sa[1] + sb[1]) * p.scale_log2;
    float x2 = (sa[2] + sb[2]) * p.scale_log2, x3 = (sa[3] + sb[3]) * p.scale_log2;
    const int valid = imin(kTileKeys, row_len - tile * kTileKeys);
    if (valid < kTileKeys) {
      // Keys past the context: no weight, and their (possibly garbage) V must not reach the mma.
      if (g >= valid) x0 = x1 = neg_inf();
      if (g + 8 >= valid) x2 = x3 = neg_inf();
      const uint4 zero = {0u, 0u, 0u, 0u};
#pragma unroll
      for (int half = 0; half < 2; ++half) {
        if (2 * t + 8 * half >= valid) x.v[4 * half] = x.v[4 * half + 2] = zero;
        if (2 * t + 1 + 8 * half >= valid) x.v[4 * half + 1] = x.v[4 * half + 3] = zero;
      }
    }
    float mx0 = fmaxf(x0, x2), mx1 = fmaxf(x1, x3);
#pragma unroll
    for (int d = 4; d < 32; d <<= 1) {
      mx0 = fmaxf(mx0, __shfl_xor_sync(0xffffffffu, mx0, d));
      mx1 = fmaxf(mx1, __shfl_xor_sync(0xffffffffu, mx1, d));
    }
    if (__any_sync(0xffffffffu, mx0 > a.m0 || mx1 > a.m1)) {
      const float n0 = fmaxf(a.m0, mx0), n1 = fmaxf(a.m1, mx1);
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
    }
    const float p0 = fast_exp2(x0 - a.m0), p1 = fast_exp2(x1 - a.m1);
    const float p2 = fast_exp2(x2 - a.m0), p3 = fast_exp2(x3 - a.m1);
    a.l0 += p0 + p2;
    a.l1 += p1 + p3;
    // P^T fragments for O^T = V^T P^T: the transpose turns (key g, heads 2t..) into (keys 2t.., head g).
    const unsigned b0 = transpose_8x8(pack_bf16x2(p0, p1));
    const unsigned b1 = transpose_8x8(pack_bf16x2(p2, p3));
#pragma unroll
    for (int i = 0; i < 8; ++i) {
      const int wi = i >> 1, odd = i & 1;
      mma_16816(a.o[i], pair_keys(word(x.v[0], wi), word(x.v[1], wi), odd),
                pair_keys(word(x.v[2], wi), word(x.v[3], wi), odd),
                pair_keys(word(x.v[4], wi), word(x.v[5], wi), odd),
                pair_keys(word(x.v[6], wi), word(x.v[7], wi), odd), b0, b1);
    }
    issue_v(x, next_offset);

    if (tile == row_tiles - 1 || s == steps - 1) {
      finish_pair(a);
      reset(a);
    }
    advance();
  }

  __device__ void advance() {
    if (++tile < row_tiles) return;
    tile = 0;
    if (++head < p.n_kv_heads) return;
    head = 0;
    do {
      ++row;
    } while (row < p.rows && p.tile_prefix[row + 1] == p.tile_prefix[row]);
    if (row < p.rows) {
      row_tiles = p.tile_prefix[row + 1] - p.tile_prefix[row];
      row_len = p.lens[row];
    }
  }

  // Ends this warp's piece of the current (row, kv head): writes the output if the piece is the
  // whole pair, else stores the piece and merges the pair if it is the last piece to finish.
  __device__ void finish_pair(Partial& a) {
#pragma unroll
    for (int d = 4; d < 32; d <<= 1) {
      a.l0 += __shfl_xor_sync(0xffffffffu, a.l0, d);
      a.l1 += __shfl_xor_sync(0xffffffffu, a.l1, d);
    }
    const int pair_begin = p.n_kv_heads * p.tile_prefix[row] + head * row_tiles;
    const int pair_end = pair_begin + row_tiles;
    bf16_t* dst = p.out + ((long long)(p.row_begin + row) * p.n_q_heads + head * p.group) * kHeadDim;
    if (pair_begin >= begin && pair_end <= begin + steps) {
      store_output(a, dst);
      return;
    }
    // A piece is its warp's first (slot 0) if the pair started at or before the warp's share.
    store_piece(a, 2 * w + (pair_begin <= begin ? 0 : 1));
    __threadfence();
    __syncwarp();
    const int first_warp = shares.warp_of(pair_begin), last_warp = shares.warp_of(pair_end - 1);
    int arrived = 0;
    if (lane == 0) arrived = atomicAdd(p.counters + first_warp, 1);
    arrived = __shfl_sync(0xffffffffu, arrived, 0);
    if (arrived != last_warp - first_warp) return;
    __threadfence();
    if (lane == 0) p.counters[first_warp] = 0;
    merge_pieces(a, pair_begin, first_warp, last_warp);
    store_output(a, dst);
  }

  __device__ void store_output(const Partial& a, bf16_t* dst) {
    const float inv0 = 1.f / a.l0, inv1 = 1.f / a.l1;
    if (2 * t < p.group) {
      bf16_t* h0 = dst + 2 * t * kHeadDim + 8 * g;
      store_16(h0, make_u4(pack_bf16x2(a.o[0][0] * inv0, a.o[1][0] * inv0),
                              pack_bf16x2(a.o[2][0] * inv0, a.o[3][0] * inv0),
                              pack_bf16x2(a.o[4][0] * inv0, a.o[5][0] * inv0),
                              pack_bf16x2(a.o[6][0] * inv0, a.o[7][0] * inv0)));
      store_16(h0 + 64, make_u4(pack_bf16x2(a.o[0][2] * inv0, a.o[1][2] * inv0),
                                   pack_bf16x2(a.o[2][2] * inv0, a.o[3][2] * inv0),
                                   pack_bf16x2(a.o[4][2] * inv0, a.o[5][2] * inv0),
                                   pack_bf16x2(a.o[6][2] * inv0, a.o[7][2] * inv0)));
    }
    if (2 * t + 1 < p.group) {
      bf16_t* h1 = dst + (2 * t + 1) * kHeadDim + 8 * g;
      store_16(h1, make_u4(pack_bf16x2(a.o[0][1] * inv1, a.o[1][1] * inv1),
                              pack_bf16x2(a.o[2][1] * inv1, a.o[3][1] * inv1),
                              pack_bf16x2(a.o[4][1] * inv1, a.o[5][1] * inv1),
                              pack_bf16x2(a.o[6][1] * inv1, a.o[7][1] * inv1)));
      store_16(h1 + 64, make_u4(pack_bf16x2(a.o[0][3] * inv1, a.o[1][3] * inv1),
                                   pack_bf16x2(a.o[2][3] * inv1, a.o[3][3] * inv1),
                                   pack_bf16x2(a.o[4][3] * inv1, a.o[5][3] * inv1),
                                   pack_bf16x2(a.o[6][3] * inv1, a.o[7][3] * inv1)));
    }
  }

  // Piece layout: partial_o [slot][head][128] (unnormalised), partial_ml [slot][head][m, l].
  __device__ void store_piece(const Partial& a, int slot) {
#pragma unroll
    for (int hh = 0; hh < 2; ++hh) {
      const int h = 2 * t + hh;
      if (h >= p.group) continue;
      float* o = p.partial_o + ((long long)slot * kMaxGroup + h) * kHeadDim + 8 * g;
      store_f32x4(o, a.o[0][hh], a.o[1][hh], a.o[2][hh], a.o[3][hh]);
      store_f32x4(o + 4, a.o[4][hh], a.o[5][hh], a.o[6][hh], a.o[7][hh]);
      store_f32x4(o + 64, a.o[0][2 + hh], a.o[1][2 + hh], a.o[2][2 + hh], a.o[3][2 + hh]);
      store_f32x4(o + 68, a.o[4][2 + hh], a.o[5][2 + hh], a.o[6][2 + hh], a.o[7][2 + hh]);
      if (g == 0) {
        float* ml = p.partial_ml + ((long long)slot * kMaxGroup + h) * 2;
        ml[0] = hh ? a.m1 : a.m0;
        ml[1] = hh ? a.l1 : a.l0;
      }
    }
  }

  // Log-sum-exp combine of every piece of the pair into a (its own piece included, re-read).
  __device__ void merge_pieces(Partial& a, int pair_begin, int first_warp, int last_warp) {
    reset(a);
    for (int pw = first_warp; pw <= last_warp; ++pw) {
      const int slot = 2 * pw + (pair_begin <= shares.first_tile(pw) ? 0 : 1);
#pragma unroll
      for (int hh = 0; hh < 2; ++hh) {
        const int h = imin(2 * t + hh, p.group - 1);  // columns past the group merge a real head, unused
        const float* ml = p.partial_ml + ((long long)slot * kMaxGroup + h) * 2;
        const float* o = p.partial_o + ((long long)slot * kMaxGroup + h) * kHeadDim + 8 * g;
        const float m = load_l2_f32(ml), l = load_l2_f32(ml + 1);
        float& m_acc = hh ? a.m1 : a.m0;
        float& l_acc = hh ? a.l1 : a.l0;
        const float m_new = fmaxf(m_acc, m);
        const float keep = fast_exp2(m_acc - m_new), take = fast_exp2(m - m_new);
        m_acc = m_new;
        l_acc = l_acc * keep + l * take;
        const float4 v0 = load_l2_f32x4(o), v1 = load_l2_f32x4(o + 4);
        const float4 v2 = load_l2_f32x4(o + 64), v3 = load_l2_f32x4(o + 68);
        const float lo[8] = {v0.x, v0.y, v0.z, v0.w, v1.x, v1.y, v1.z, v1.w};
        const float hi[8] = {v2.x, v2.y, v2.z, v2.w, v3.x, v3.y, v3.z, v3.w};
#pragma unroll
        for (int i = 0; i < 8; ++i) {
          a.o[i][hh] = a.o[i][hh] * keep + lo[i] * take;
          a.o[i][2 + hh] = a.o[i][2 + hh] * keep + hi[i] * take;
        }
      }
    }
  }

  __device__ void run() {
    KvTile buf_a, buf_b;
    Partial acc;
    reset(acc);
    int slot_a = -1, slot_b = -1;
    issue_v(buf_a, issue_k(buf_a, 0, slot_a));
    issue_v(buf_b, issue_k(buf_b, 1, slot_b));
    for (int s = 0; s < steps; s += 2) {
      step(buf_a, s, slot_a, acc);
      if (s + 1 < steps) step(buf_b, s + 1, slot_b, acc);
    }
  }
};

}  // namespace

extern "C" __global__ void __launch_bounds__(kWarpsPerBlock * 32, 2)
    decode_attention(const bf16_t* __restrict__ q, const bf16_t* __restrict__ k_cache,
                           const bf16_t* __restrict__ v_cache, const int* __restrict__ page_table,
                           const int* __restrict__ context_lens, bf16_t* __restrict__ out,
                           float* __restrict__ partial_o, float* __restrict__ partial_ml,
                           int* __restrict__ counters, int row_begin, int row_end, int n_q_heads,
                           int n_kv_heads, int page_size, int max_pages, float scale) {
  extern __shared__ int row_info[];
  __shared__ __align__(16) bf16_t q_slots[kWarpsPerBlock][2 * kQSlotElems];
  const int rows = row_end - row_begin;
  if (rows <= 0) return;
  int* tile_prefix = row_info;
  int* lens = row_info + rows + 1;
  build_tile_prefix(context_lens + row_begin, rows, tile_prefix, lens);

  Problem p;
  p.q = q;
  p.k_cache = k_cache;
  p.v_cache = v_cache;
  p.page_table = page_table;
  p.out = out;
  p.partial_o = partial_o;
  p.partial_ml = partial_ml;
  p.counters = counters;
  p.tile_prefix = tile_prefix;
  p.lens = lens;
  p.row_begin = row_begin;
  p.rows = rows;
  p.n_q_heads = n_q_heads;
  p.n_kv_heads = n_kv_heads;
  p.group = n_q_heads / n_kv_heads;
  p.page_size = page_size;
  p.max_pages = max_pages;
  p.page_stride = (long long)n_kv_heads * page_size * kHeadDim;
  p.scale_log2 = scale * 1.4426950408889634f;

  WarpShares shares;
  shares.total = n_kv_heads * tile_prefix[rows];
  if (shares.total == 0) return;
  const int warps = gridDim.x * kWarpsPerBlock;
  shares.active = imin(warps, imax(1, shares.total / kMinTilesPerWarp));
  shares.each = shares.total / shares.active;
  shares.rem = shares.total % shares.active;
  const int w = blockIdx.x * kWarpsPerBlock + (threadIdx.x >> 5);
  if (w >= shares.active) return;

  Walker walker(p, shares, w, q_slots[threadIdx.x >> 5]);
  walker.run();
}
