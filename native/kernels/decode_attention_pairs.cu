// Decode attention over a paged KV cache, whole pairs at a time: the kernel for large launches.
// Arguments, layouts, workspace and results are decode_attention.cu's; so are the data path and
// the math (attention_tile.cuh). Only the work split differs.
//
// Work split: each block claims whole (row, kv head) pairs, its first two fixed (blockIdx.x and
// blockIdx.x + grid), the rest from a counter. Tile x of the block's run of tiles (counted over its
// pairs) goes to warp x % 8, each warp keeping its own softmax state; at a pair's end the warps'
// pieces are merged through shared memory. So no piece goes to global memory and no block scans the
// context lengths before its first copy, which on a whole H200 makes it faster than stream-K
// (bench/kernels/NOTES.md, v25); but a block's last pair is a whole pair, so it needs many pairs a
// block, and its per-pair merge costs more than stream-K's cuts on small partitions.
//
// When to use it (the launcher decides; kernelContracts.ts, bench/kernels/attention_launch.h): on
// at least 96 SMs, at least 8 pairs a block (pairs = (row_end - row_begin) * n_kv_heads), and
// max_pages * page_size <= 8192 (a warp finds its tiles of a pair through two 32-lane windows).
//
// Launch: block 256 threads (8 warps), grid = num_sms, dynamic shared memory 213712 bytes (the
// stages and their mbarriers, then the warps' pieces; raise the kernel's
// CU_FUNC_ATTRIBUTE_MAX_DYNAMIC_SHARED_SIZE_BYTES). Workspace: decode_attention's; this kernel uses
// counters[0] (claims), and leaves it zero.
#include "attention_tile.cuh"

namespace {

// Overridable (-D) only to time variants; the launch rule above is for these defaults.
#ifndef ATTENTION_PAIR_WARPS
#define ATTENTION_PAIR_WARPS 8
#endif
#ifndef ATTENTION_PAIR_STAGES
#define ATTENTION_PAIR_STAGES 3
#endif
constexpr int kWarps = ATTENTION_PAIR_WARPS;
// Per warp: the step computed plus two in flight, so a warp waiting at a pair's end still has
// copies running.
constexpr int kStages = ATTENTION_PAIR_STAGES;

// Shared memory after the stages: each warp's piece of the current pair in its fragment order
// (bf16, normalised, as stream-K's global pieces), their m and l, and the block's claimed pairs
// (a ring: a pair is claimed a pair before the block starts it).
struct PairScratch {
  uint2 piece[kWarps][8][32];
  float4 ml[kWarps][4];  // [t]: m0, l0, m1, l1 of heads 2t and 2t + 1
  int claimed[4];
};

// What a warp knows of one of its block's pairs.
struct PairInfo {
  int row, head;
  int len;                 // 0 past the launch's last pair
  int first;               // this warp's first tile of the pair; it takes every kWarps-th after it
  long long tile, tile_b;  // lane m: where this warp's m-th and (32 + m)-th tiles of the pair are
  __device__ bool valid() const { return len > 0; }
  __device__ int tiles() const { return tiles_of(len); }
  __device__ int count() const { return first < tiles() ? (tiles() - 1 - first) / kWarps + 1 : 0; }
};

// One warp's walk over its block's pairs. Every warp ends every pair, in order, whether or not it
// had tiles in it: two block barriers a pair, between which the warps merge the pieces.
struct PairWalker : TileStreamer {
  PairScratch& scratch;
  int warp;
  int index;           // the block's count of pairs started: cur is the block's pair `index`
  int base;            // where cur's tiles start in the block's run of tiles, mod kWarps
  PairInfo cur, next;  // next: the block's pair after cur (claimed before cur started)
  int m;               // this warp's tiles of cur done
  int issued;          // this warp's tiles being copied, counted from the current step's

  __device__ PairWalker(const Problem& p_, PairScratch& s_, int warp_, unsigned ring_, unsigned barriers_)
      : TileStreamer(p_, ring_, barriers_), scratch(s_), warp(warp_) {
    if (threadIdx.x == 0) {
      scratch.claimed[0] = blockIdx.x;
      scratch.claimed[1] = blockIdx.x + gridDim.x;
    }
    __syncthreads();
    index = 0;
    base = 0;
    m = 0;
    issued = 0;
    cur = pair_info(0, 0);
    next = pair_info(1, cur.tiles() % kWarps);
  }

  // Thread 0: claims a pair from the counter, at a pair's end for the pair after next: no earlier,
  // since a block committed to pairs further ahead cannot hand them to blocks that run out sooner
  // (claimed a pair earlier, the launch ran 0.2-0.6% slower: bench/kernels/NOTES.md, v35). A launch
  // makes exactly one claim a pair, so the block that makes the last zeroes the counter for the next
  // launch; no block waits at its end for the others.
  __device__ int claim_pair() const {
    const int c = atomicAdd(p.counters, 1);
    if (c == p.pairs - 1) p.counters[0] = 0;
    return 2 * gridDim.x + c;
  }

  __device__ long long window_tile(const PairInfo& info, int x) const {
    const int key = (info.first + kWarps * x) * kTileKeys;
    // Pages past the context are read but never used: the page table has them.
    return key < p.max_pages * p.page_size ? p.tile_offset(info.row, info.head, key) : 0;
  }

  __device__ PairInfo pair_info(int i, int tile_base) {
    PairInfo info;
    const int pair = scratch.claimed[i & 3];
    const bool valid = pair < p.pairs;
    info.row = pair / p.n_kv_heads;
    info.head = pair - info.row * p.n_kv_heads;
    info.len = valid ? p.lens[info.row] : 0;
    info.first = (warp - tile_base + kWarps) % kWarps;
    info.tile = valid ? window_tile(info, lane) : 0;
    info.tile_b = valid ? window_tile(info, 32 + lane) : 0;
    return info;
  }

  // This warp's x-th tile of the pair, warp-uniform; its first also brings the queries.
  __device__ TileSource source(const PairInfo& info, int x) const {
    const TileSource s = {x < 32 ? info.tile : info.tile_b, x == 0 ? p.q_offset(info.row, info.head) : -1};
    return broadcast(s, x & 31);
  }

  // Starts the copies of the tile d steps after the current one into stage kStage, if its pair is
  // known yet (cur or next); false if not.
  template <int kStage>
  __device__ bool issue(int d) {
    const int x = m + d, count = cur.count();
    if (x < count) {
      copy_tile<kStage>(source(cur, x));
      return true;
    }
    if (x - count < next.count()) {
      copy_tile<kStage>(source(next, x - count));
      return true;
    }
    return false;
  }

  // Keeps kStages tiles in flight, from the current step's on, as far as their pairs are known:
  // starts those from the `issued`-th on.
  template <int kStage, int kD>
  __device__ void top_up() {
    if constexpr (kD < kStages) {
      if (kD >= issued) {
        if (!issue<(kStage + kD) % kStages>(kD)) return;
        ++issued;
      }
      top_up<kStage, kD + 1>();
    }
  }

  template <int kStage>
  __device__ bool step(unsigned parity, Partial& a) {
    top_up<kStage, 0>();
    if (m == 0) load_queries(cur.row, cur.head);
    wait<kStage>(parity);
    const int tile = cur.first + kWarps * m;
    accumulate<kStage>(a, tile == cur.tiles() - 1, cur.len - tile * kTileKeys);
    --issued;
    if (++m < cur.count()) return true;
    return end_pairs(a);
  }

  // Ends cur, and every pair after it in which this warp has no tile; false once the block's pairs
  // are done.
  __device__ bool end_pairs(Partial& a) {
    do {
      end_pair(a);
      reset(a);
    } while (cur.valid() && cur.count() == 0);
    return cur.valid();
  }

  // Stores this warp's piece of cur (l = 0 if it had no tile: the merge skips it), merges the
  // pair, and moves on to the next.
  __device__ void end_pair(Partial& a) {
    sum_l(a);
    const float inv0 = 1.f / a.l0, inv1 = 1.f / a.l1;
#pragma unroll
    for (int i = 0; i < 8; ++i)
      scratch.piece[warp][i][lane] =
          make_uint2(pack_bf16x2(a.o[i][0] * inv0, a.o[i][1] * inv1), pack_bf16x2(a.o[i][2] * inv0, a.o[i][3] * inv1));
    if (g == 0) scratch.ml[warp][t] = make_float4(a.m0, a.l0, a.m1, a.l1);
    if (threadIdx.x == 0) {
      scratch.claimed[(index + 2) & 3] = claim_pair();  // its slot's pair is done
    }
    __syncthreads();
    for (int i = warp; i < 8; i += kWarps) merge(i);
    __syncthreads();  // the pieces are read before the next pair's overwrite them
    ++index;
    base = (base + cur.tiles()) % kWarps;
    cur = next;
    next = pair_info(index + 1, (base + cur.tiles()) % kWarps);
    m = 0;
  }

  // Log-sum-exp combine of the warps' pieces of cur at this lane's fragment slots of m-tile i
  // (dims 16i + g and 16i + 8 + g of heads 2t and 2t + 1), written to the output.
  __device__ void merge(int i) {
    float m0 = neg_inf(), m1 = neg_inf();
#pragma unroll
    for (int w = 0; w < kWarps; ++w) {
      const float4 ml = scratch.ml[w][t];
      m0 = fmaxf(m0, ml.x);
      m1 = fmaxf(m1, ml.z);
    }
    float l0 = 0.f, l1 = 0.f, o[4] = {0.f, 0.f, 0.f, 0.f};
#pragma unroll
    for (int w = 0; w < kWarps; ++w) {
      const float4 ml = scratch.ml[w][t];
      if (ml.y == 0.f) continue;  // a warp with no tile in the pair
      const uint2 x = scratch.piece[w][i][lane];
      // Pieces are stored normalised (o / l): weight them back by their l.
      const float w0 = ml.y * fast_exp2(ml.x - m0), w1 = ml.w * fast_exp2(ml.z - m1);
      l0 += w0;
      l1 += w1;
      o[0] += bf16_lo(x.x) * w0;
      o[1] += bf16_hi(x.x) * w1;
      o[2] += bf16_lo(x.y) * w0;
      o[3] += bf16_hi(x.y) * w1;
    }
    bf16_t* dst = p.output(cur.row, cur.head);
#pragma unroll
    for (int hh = 0; hh < 2; ++hh) {
      if (2 * t + hh >= p.group) continue;
      const float inv = 1.f / (hh ? l1 : l0);
      bf16_t* out = dst + (2 * t + hh) * kHeadDim + 16 * i + g;
      store_kept_bf16(out, o[hh] * inv);
      store_kept_bf16(out + 8, o[2 + hh] * inv);
    }
  }

  // Steps through one round of the ring (its barriers in phase `parity`); false once done.
  template <int kStage>
  __device__ bool round(unsigned parity, Partial& a) {
    if constexpr (kStage < kStages) {
      if (!step<kStage>(parity, a)) return false;
      return round<kStage + 1>(parity, a);
    }
    return true;
  }

  __device__ void run() {
    Partial acc;
    reset(acc);
    if (!cur.valid() || (cur.count() == 0 && !end_pairs(acc))) return;
    for (unsigned parity = 0; round<0>(parity, acc); parity ^= 1) {
    }
  }
};

}  // namespace

extern "C" __global__ void __launch_bounds__(kWarps * 32, 1)
    decode_attention_pairs(const bf16_t* __restrict__ q, const bf16_t* __restrict__ k_cache,
                           const bf16_t* __restrict__ v_cache, const int* __restrict__ page_table,
                           const int* __restrict__ context_lens, bf16_t* __restrict__ out,
                           bf16_t* __restrict__ partial_o, float* __restrict__ partial_ml,
                           int* __restrict__ counters, int row_begin, int row_end, int n_q_heads,
                           int n_kv_heads, int page_size, int max_pages, float scale) {
  extern __shared__ __align__(128) unsigned char dynamic_shared[];
  if (row_end <= row_begin) return;
  constexpr int kRingBytes = kWarps * kStages * kStageBytes;
  unsigned char* barrier_memory = dynamic_shared + kRingBytes;  // 8 bytes per stage
  auto& scratch = *reinterpret_cast<PairScratch*>(barrier_memory + kWarps * kStages * 8);
  const Problem p = make_problem(q, k_cache, v_cache, page_table, context_lens, out, partial_o, partial_ml,
                                 counters, row_begin, row_end, n_q_heads, n_kv_heads, page_size, max_pages, scale);
  const int warp = __shfl_sync(0xffffffffu, int(threadIdx.x >> 5), 0);  // shown warp-uniform to ptxas
  const unsigned barriers = shared_address(barrier_memory + warp * kStages * 8);
  init_barriers<kStages>(barriers);
  PairWalker walker(p, scratch, warp, shared_address(dynamic_shared + warp * kStages * kStageBytes), barriers);
  walker.run();
}
