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
// Work split (stream-K): the 16-key tiles of every (row, kv head) pair form one sequence and each
// warp takes an equal contiguous share of it, so every SM of the partition stays busy whatever the
// context lengths. A pair cut between warps is merged by whichever of its warps finishes last,
// through the workspace; no warp waits on another, so nothing assumes co-residency. On large
// launches decode_attention_pairs.cu, which shares this file's layouts and data path
// (attention_tile.cuh), is faster: see its header for when.
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
#include "attention_tile.cuh"

namespace {

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
// Fewer tiles per warp than this and the merge costs more than the split gains.
constexpr int kMinTilesPerWarp = 4;

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
    s.offset = p.tile_offset(r, h, key);
    if (key == 0) s.q_offset = p.q_offset(r, h);
  }
  return s;
}

// One warp's walk over its share of the tile sequence.
struct StreamKWalker : TileStreamer {
  const WarpShares& shares;
  int w;
  int begin, steps;
  // Where 32 upcoming steps' tiles are, one per lane (current and next window); lane s % 32 holds
  // step s's source.
  TileSource window, next_window;
  int row, head, tile, row_tiles, row_len;

  __device__ StreamKWalker(const Problem& p_, const WarpShares& s_, int w_, unsigned ring_, unsigned barriers_)
      : TileStreamer(p_, ring_, barriers_), shares(s_), w(w_) {
    begin = shares.first_tile(w);
    steps = shares.first_tile(w + 1) - begin;
    next_window = locate_tile(p, begin + lane, begin + steps);  // becomes the window at step 0
    row = row_of_tile(p, begin);
    row_tiles = p.tile_prefix[row + 1] - p.tile_prefix[row];
    row_len = p.lens[row];
    const int rest = begin - p.n_kv_heads * p.tile_prefix[row];
    head = rest / row_tiles;
    tile = rest - head * row_tiles;
  }

  // Starts the copies of step s into stage kStage (the warp's previous step released it).
  template <int kStage>
  __device__ void issue(int s) {
    if (s >= steps) return;
    if ((s & 31) == 0) {
      window = next_window;
      next_window = locate_tile(p, begin + s + 32 + lane, begin + steps);
    }
    copy_tile<kStage>(broadcast(window, s & 31));
  }

  template <int kStage>
  __device__ void step(int s, unsigned parity, Partial& a) {
    issue<(kStage + kStages - 1) % kStages>(s + kStages - 1);  // the stage step s - 1 released
    if (tile == 0 || s == 0) load_queries(row, head);
    wait<kStage>(parity);
    const bool last_tile = tile == row_tiles - 1;
    accumulate<kStage>(a, last_tile, row_len - tile * kTileKeys);
    if (last_tile || s == steps - 1) {
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
    sum_l(a);
    const int pair_begin = p.n_kv_heads * p.tile_prefix[row] + head * row_tiles;
    const int pair_end = pair_begin + row_tiles;
    bf16_t* dst = p.output(row, head);
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
        store_kept_bf16(o + 16 * i, a.o[i][hh] * inv);
        store_kept_bf16(o + 16 * i + 8, a.o[i][2 + hh] * inv);
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
  if (row_end <= row_begin) return;
  constexpr int kRingBytes = kWarpsPerBlock * kStages * kStageBytes;
  unsigned char* barrier_memory = dynamic_shared + kRingBytes;  // 8 bytes per stage
  int* tile_prefix = reinterpret_cast<int*>(barrier_memory + kWarpsPerBlock * kStages * 8);
  Problem p = make_problem(q, k_cache, v_cache, page_table, context_lens, out, partial_o, partial_ml, counters,
                           row_begin, row_end, n_q_heads, n_kv_heads, page_size, max_pages, scale);
  build_tile_prefix(p.lens, p.rows, tile_prefix);
  p.tile_prefix = tile_prefix;

  WarpShares shares;
  shares.total = n_kv_heads * tile_prefix[p.rows];
  if (shares.total == 0) return;
  const int warps = gridDim.x * kWarpsPerBlock;
  shares.active = imin(warps, imax(1, shares.total / kMinTilesPerWarp));
  shares.each = shares.total / shares.active;
  shares.rem = shares.total % shares.active;
  const int warp = __shfl_sync(0xffffffffu, int(threadIdx.x >> 5), 0);  // shown warp-uniform to ptxas
  const int w = blockIdx.x * kWarpsPerBlock + warp;
  if (w >= shares.active) return;

  const unsigned barriers = shared_address(barrier_memory + warp * kStages * 8);
  init_barriers<kStages>(barriers);
  StreamKWalker walker(p, shares, w, shared_address(dynamic_shared + warp * kStages * kStageBytes), barriers);
  walker.run();
}
