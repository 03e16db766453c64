// Decode attention for grouped-query heads over a paged KV cache: split-KV (flash-decoding) with
// the split sized from the grid, and the log-sum-exp merge done inside the same kernel.
//
// Layouts (bf16 unless noted; head_dim is 128):
//   q                [tokens, n_q_heads, 128]
//   k_cache, v_cache [num_pages, n_kv_heads, page_size, 128]: a (page, kv head) block is contiguous;
//                    within a key's 256-byte row, 16-byte chunk c (dims 8c..8c+7) is stored at
//                    chunk c ^ (slot & 7), slot being the key's index in its page (see
//                    rope_kv_append.cu, the writer). A 16-key tile copied as it is to shared
//                    memory is then laid out for conflict-free ldmatrix reads.
//   page_table       int32 [requests, max_pages]: the pages of request r, in key order
//   context_lens     int32 [requests]: keys to attend, >= 1, the current token's included
//   out              [tokens, n_q_heads, 128]
// Decode row t (of q and out) attends with request t (row t of page_table and context_lens).
// q head h * group + j (j < group) reads kv head h; group = n_q_heads / n_kv_heads, at most 8.
// page_size is a multiple of 16. scale is the softmax scale, 1/sqrt(128) for plain attention.
//
// Work split: the 16-key tiles of every (row, kv head) pair form one sequence and each warp takes
// an equal contiguous share of it (stream-K), so every SM of the partition stays busy whatever
// the context lengths. A pair cut between warps is merged by whichever of its warps finishes last,
// through the workspace; no warp waits on another, so nothing assumes co-residency.
//
// Data path: each warp streams its tiles through a ring of kStages shared-memory stages. A tile's K
// and V (4 KB each, contiguous in the cache) arrive by two bulk copies (the copy engine, completing
// on the stage's mbarrier) that one lane issues, so loading costs the warp a few instructions per
// tile instead of 16 cp.async a lane; the cache's chunk order makes the copied rows conflict-free
// for ldmatrix. Keys past the context in a tile's last page are copied too: their scores are
// masked and their V rows zeroed in shared memory before use, whatever the cache holds there.
// Math on tensor cores: S^T = K Q^T with keys on the 16-row side, so a group of 8 q heads fills
// the 8 columns; then O^T = V^T P^T, P^T made from S^T's fragments by an 8x8 transpose. The
// running max moves only when a score passes it by kMaxSlack, so the common step has no
// cross-lane reduction.
//
// Launch: block 384 threads (12 warps), grid = num_sms (one block per SM), dynamic shared memory
// 196800 + (row_end - row_begin + 1) * 4 bytes (the stages, their mbarriers, then the rows' tile
// prefix; more than 48 KB: raise the kernel's CU_FUNC_ATTRIBUTE_MAX_DYNAMIC_SHARED_SIZE_BYTES).
// That fits an SM's 227 KB while row_end - row_begin <= 8192.
// Workspace, for W = 12 * grid warps:
//   partial_o  bf16 [2 W, 8, 128], partial_ml float [2 W, 8, 2], counters int32 [W].
// counters must be zero before the first launch; the kernel leaves them zero. Launches that may
// run at the same time need separate workspaces.
#include "common.cuh"

namespace {

constexpr int kHeadDim = 128;
constexpr int kTileKeys = 16;
// Overridable (-D) only to time variants (bench/kernels/compare_attention.sh); the launch rule above
// is for these defaults.
#ifndef ATTENTION_WARPS_PER_BLOCK
#define ATTENTION_WARPS_PER_BLOCK 12
#endif
#ifndef ATTENTION_BLOCKS_PER_SM
#define ATTENTION_BLOCKS_PER_SM 1
#endif
#ifndef ATTENTION_STAGES
#define ATTENTION_STAGES 2
#endif
constexpr int kWarpsPerBlock = ATTENTION_WARPS_PER_BLOCK;
constexpr int kBlocksPerSm = ATTENTION_BLOCKS_PER_SM;
// Per warp: the step computed plus one in flight; 12 warps x 2 x 8 KB fill an SM's shared memory.
// Measured (bench/kernels/NOTES.md, v20): 12 warps with one tile of lookahead beat 8 warps with
// two on partitions of 8 to 24 SMs by a third, and lose about 1% on the whole GPU.
constexpr int kStages = ATTENTION_STAGES;
constexpr int kMaxGroup = 8;
// Fewer tiles per warp than this and the merge costs more than the split gains.
constexpr int kMinTilesPerWarp = 4;
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

// Copies `bytes` (a multiple of 16, both addresses 16-byte aligned) from global to shared memory on
// the copy engine; completion is counted on the barrier.
__device__ __forceinline__ void bulk_copy(unsigned dst, const void* src, unsigned bytes, unsigned bar) {
  asm volatile("cp.async.bulk.shared::cluster.global.mbarrier::complete_tx::bytes [%0], [%1], %2, [%3];" ::"r"(dst),
               "l"(src), "r"(bytes), "r"(bar)
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
  const int* tile_prefix;
  const int* lens;  // context_lens of the launch's rows
  int row_begin, rows, n_q_heads, n_kv_heads, group, page_size, max_pages;
  long long page_stride;
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

// Writes, per row, the index of its first tile (counted for one kv head); tile_prefix[rows] is the
// total.
__device__ void build_tile_prefix(const int* lens, int rows, int* tile_prefix) {
  __shared__ int warp_total[kWarpsPerBlock];
  const int lane = threadIdx.x & 31, warp = threadIdx.x >> 5;
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
  TileSource s = {0, -1};
  if (x < end) {
    const int r = row_of_tile(p, x);
    const int row_tiles = p.tile_prefix[r + 1] - p.tile_prefix[r];
    const int rest = x - p.n_kv_heads * p.tile_prefix[r];
    const int h = rest / row_tiles;
    const int key = (rest - h * row_tiles) * kTileKeys;
    const int row = p.row_begin + r;
    const int page = p.page_table[(long long)row * p.max_pages + key / p.page_size];
    s.offset = (long long)page * p.page_stride + (h * p.page_size + key % p.page_size) * kHeadDim;
    if (key == 0) s.q_offset = (row * p.n_q_heads + h * p.group) * kHeadDim;
  }
  return s;
}

// One warp's walk over its share of the tile sequence.
struct Walker {
  const Problem& p;
  const WarpShares& shares;
  int w, lane, g, t;
  int begin, steps;

  // Loader: where 32 upcoming steps' tiles are, one per lane (current and next window); lane
  // s % 32 holds step s's source, and lane 0 issues its copies.
  TileSource window, next_window;
  unsigned ring, barriers;  // shared addresses of stage 0 and of its mbarrier
  // Consumer: shared addresses (stage 0) this lane gives ldmatrix for K k-step k and V m-tile i.
  unsigned k_addr[8], v_addr[8];

  int row, head, tile, row_tiles, row_len;
  unsigned q_frag[16];  // B fragments of the 8 k-steps: Q[head g][16k + 2t..], Q[g][16k + 8 + 2t..]

  __device__ Walker(const Problem& p_, const WarpShares& s_, int w_, unsigned ring_, unsigned barriers_)
      : p(p_), shares(s_), w(w_), ring(ring_), barriers(barriers_) {
    lane = threadIdx.x & 31;
    g = lane >> 2;
    t = lane & 3;
    begin = shares.first_tile(w);
    steps = shares.first_tile(w + 1) - begin;
    const int end = begin + steps;
    next_window = locate_tile(p, begin + lane, end);  // becomes the window at step 0
    const int m = lane >> 3, r = lane & 7;
#pragma unroll
    for (int k = 0; k < 8; ++k) {
      k_addr[k] = ring + staged_offset(r + 8 * (m & 1), 2 * k + (m >> 1));
      v_addr[k] = ring + kTileBytes + staged_offset(r + 8 * (m >> 1), 2 * k + (m & 1));
    }
    row = row_of_tile(p, begin);
    row_tiles = p.tile_prefix[row + 1] - p.tile_prefix[row];
    row_len = p.lens[row];
    const int rest = begin - p.n_kv_heads * p.tile_prefix[row];
    head = rest / row_tiles;
    tile = rest - head * row_tiles;
  }

  // Starts the copies of step s into stage kStage, and for a pair's first tile pulls its queries
  // into L1. The warp must be done reading the stage (its previous step's __syncwarp).
  template <int kStage>
  __device__ void issue(int s) {
    if (s >= steps) return;
    if ((s & 31) == 0) {
      window = next_window;
      next_window = locate_tile(p, begin + s + 32 + lane, begin + steps);
    }
    // Lane 0 issues with the step's source broadcast to the warp: ptxas then sees warp-uniform
    // operands and gives the bulk copies their uniform registers directly, where a per-lane issuer
    // cost a loop around each copy (measured on an H200: 76% -> 84% of the read limit at 8 SMs).
    const int source_lane = s & 31;
    const unsigned low = __shfl_sync(0xffffffffu, unsigned(window.offset), source_lane);
    const unsigned high = __shfl_sync(0xffffffffu, unsigned((unsigned long long)window.offset >> 32), source_lane);
    const int q_offset = __shfl_sync(0xffffffffu, window.q_offset, source_lane);
    if (lane != 0) return;
    const long long offset = (long long)(((unsigned long long)high << 32) | low);
    const unsigned bar = barriers + kStage * 8;
    const unsigned dst = ring + kStage * kStageBytes;
    mbarrier_arrive_expect(bar, kStageBytes);
    bulk_copy(dst, p.k_cache + offset, kTileBytes, bar);
    bulk_copy(dst + kTileBytes, p.v_cache + offset, kTileBytes, bar);
    if (q_offset >= 0)
      for (int line = 0; line < 2 * p.group; ++line) prefetch_l1(p.q + q_offset + line * 64);
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

  // The B fragments of this pair's queries; heads past the group are zero.
  __device__ void load_queries() {
    const int q_offset = ((p.row_begin + row) * p.n_q_heads + head * p.group) * kHeadDim;
    const unsigned* qw = reinterpret_cast<const unsigned*>(p.q + q_offset + g * kHeadDim + 2 * t);
#pragma unroll
    for (int k = 0; k < 8; ++k) {
      q_frag[2 * k] = g < p.group ? qw[8 * k] : 0u;
      q_frag[2 * k + 1] = g < p.group ? qw[8 * k + 4] : 0u;
    }
  }

  template <int kStage>
  __device__ void step(int s, unsigned parity, Partial& a) {
    issue<(kStage + kStages - 1) % kStages>(s + kStages - 1);  // the stage step s - 1 released
    if (tile == 0 || s == 0) load_queries();
    while (!mbarrier_try_wait(barriers + kStage * 8, parity)) {
    }
    const bool last_tile = tile == row_tiles - 1;
    if (last_tile && row_len < row_tiles * kTileKeys) clear_tail<kStage>(row_len - tile * kTileKeys);
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
      const int valid = row_len - tile * kTileKeys;
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

    if (last_tile || s == steps - 1) {
      finish_pair(a);
      reset(a);
    }
    advance();
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

  // This lane's values: head 2t + hh at dims 16i + g (o[i][hh]) and 16i + 8 + g (o[i][2 + hh]).
  __device__ void store_output(const Partial& a, bf16_t* dst) {
#pragma unroll
    for (int hh = 0; hh < 2; ++hh) {
      if (2 * t + hh >= p.group) continue;
      const float inv = 1.f / (hh ? a.l1 : a.l0);
      bf16_t* o = dst + (2 * t + hh) * kHeadDim + g;
#pragma unroll
      for (int i = 0; i < 8; ++i) {
        o[16 * i] = float_to_bf16(a.o[i][hh] * inv);
        o[16 * i + 8] = float_to_bf16(a.o[i][2 + hh] * inv);
      }
    }
  }

  // Pieces are stored in the warp's own fragment order, so every store and load is a whole vector
  // and a store instruction fills whole cache lines; the merging warp reads each lane's own fragment
  // back (per-head scattered stores: 87.3% of the read limit on a whole H200, this: 88.3%). Each
  // piece is normalised and stored in bf16, as FlashInfer's merge states are: half the bytes of fp32
  // (whole H200: 89.2-90.0% against 88.0-88.4%), for at most one more bf16 rounding in the output.
  // partial_o [slot][i][lane][4] = the lane's o[i][0..3] / l (bf16);
  // partial_ml [slot][t][4] = m0, l0, m1, l1 of heads 2t and 2t + 1 (held alike by every g).
  __device__ void store_piece(const Partial& a, int slot) {
    bf16_t* o = p.partial_o + (long long)slot * kMaxGroup * kHeadDim + 4 * lane;
    const float inv0 = 1.f / a.l0, inv1 = 1.f / a.l1;
#pragma unroll
    for (int i = 0; i < 8; ++i)
      store_u32x2(o + 128 * i, pack_bf16x2(a.o[i][0] * inv0, a.o[i][1] * inv1), pack_bf16x2(a.o[i][2] * inv0, a.o[i][3] * inv1));
    if (g == 0) store_f32x4(p.partial_ml + (long long)slot * 2 * kMaxGroup + 4 * t, a.m0, a.l0, a.m1, a.l1);
  }

  // Log-sum-exp combine of every piece of the pair into a (its own piece included, re-read).
  __device__ void merge_pieces(Partial& a, int pair_begin, int first_warp, int last_warp) {
    reset(a);
    for (int pw = first_warp; pw <= last_warp; ++pw) {
      const int slot = 2 * pw + (pair_begin <= shares.first_tile(pw) ? 0 : 1);
      const float4 ml = load_l2_f32x4(p.partial_ml + (long long)slot * 2 * kMaxGroup + 4 * t);
      const bf16_t* o = p.partial_o + (long long)slot * kMaxGroup * kHeadDim + 4 * lane;
      uint2 piece[8];
#pragma unroll
      for (int i = 0; i < 8; ++i) piece[i] = load_l2_u32x2(o + 128 * i);
      const float m0 = fmaxf(a.m0, ml.x), m1 = fmaxf(a.m1, ml.z);
      const float keep0 = fast_exp2(a.m0 - m0), take0 = fast_exp2(ml.x - m0);
      const float keep1 = fast_exp2(a.m1 - m1), take1 = fast_exp2(ml.z - m1);
      // Pieces are stored normalised (o / l): weight them back by their l.
      const float w0 = ml.y * take0, w1 = ml.w * take1;
      a.m0 = m0;
      a.m1 = m1;
      a.l0 = a.l0 * keep0 + w0;
      a.l1 = a.l1 * keep1 + w1;
#pragma unroll
      for (int i = 0; i < 8; ++i) {
        a.o[i][0] = a.o[i][0] * keep0 + bf16_lo(piece[i].x) * w0;
        a.o[i][1] = a.o[i][1] * keep1 + bf16_hi(piece[i].x) * w1;
        a.o[i][2] = a.o[i][2] * keep0 + bf16_lo(piece[i].y) * w0;
        a.o[i][3] = a.o[i][3] * keep1 + bf16_hi(piece[i].y) * w1;
      }
    }
  }

  // Issues the first kStages - 1 steps; the ring is unrolled so stage offsets are constants.
  template <int kStage>
  __device__ void prologue() {
    if constexpr (kStage < kStages - 1) {
      issue<kStage>(kStage);
      prologue<kStage + 1>();
    }
  }

  // Steps s0 .. s0 + kStages - 1 (one round of the ring, whose barriers are in phase `parity`);
  // false once the share is done.
  template <int kStage>
  __device__ bool steps_from(int s0, unsigned parity, Partial& a) {
    if constexpr (kStage < kStages) {
      if (s0 + kStage >= steps) return false;
      step<kStage>(s0 + kStage, parity, a);
      return steps_from<kStage + 1>(s0, parity, a);
    }
    return true;
  }

  __device__ void run() {
    Partial acc;
    reset(acc);
    prologue<0>();
    unsigned parity = 0;
    for (int s0 = 0; steps_from<0>(s0, parity, acc); s0 += kStages) parity ^= 1;
  }
};

}  // namespace

extern "C" __global__ void __launch_bounds__(kWarpsPerBlock * 32, kBlocksPerSm)
    decode_attention(const bf16_t* __restrict__ q, const bf16_t* __restrict__ k_cache,
                     const bf16_t* __restrict__ v_cache, const int* __restrict__ page_table,
                     const int* __restrict__ context_lens, bf16_t* __restrict__ out,
                     bf16_t* __restrict__ partial_o, float* __restrict__ partial_ml,
                     int* __restrict__ counters, int row_begin, int row_end, int n_q_heads,
                     int n_kv_heads, int page_size, int max_pages, float scale) {
  extern __shared__ __align__(128) unsigned char dynamic_shared[];
  const int rows = row_end - row_begin;
  if (rows <= 0) return;
  constexpr int kRingBytes = kWarpsPerBlock * kStages * kStageBytes;
  unsigned char* barrier_memory = dynamic_shared + kRingBytes;  // 8 bytes per stage
  int* tile_prefix = reinterpret_cast<int*>(barrier_memory + kWarpsPerBlock * kStages * 8);
  build_tile_prefix(context_lens + row_begin, rows, tile_prefix);

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
  p.lens = context_lens + row_begin;
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
  const int warp = __shfl_sync(0xffffffffu, int(threadIdx.x >> 5), 0);  // shown warp-uniform to ptxas
  const int w = blockIdx.x * kWarpsPerBlock + warp;
  if (w >= shares.active) return;

  // Each warp owns its stages and their barriers (one arrival: the lane issuing the copies).
  const unsigned barriers = shared_address(barrier_memory + warp * kStages * 8);
  if ((threadIdx.x & 31) < kStages) mbarrier_init(barriers + (threadIdx.x & 31) * 8, 1);
  fence_mbarrier_init();
  __syncwarp();
  Walker walker(p, shares, w, shared_address(dynamic_shared + warp * kStages * kStageBytes), barriers);
  walker.run();
}
