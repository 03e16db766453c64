// The peer all-reduce (runtime/engine/peerAllReduce.ts), one launch a rank. Each rank owns one piece
// of the residual rows being summed. Every rank's launch:
//   1. announces at every peer that its partial sums are final, and waits for every peer's
//      announcement (the "ready" barrier);
//   2. reads its piece from every rank's residual (its own, and its peers' over NVLink), adds them
//      in rank order, and writes the sum back into every rank's residual;
//   3. its last block to finish announces at every peer that its piece is written everywhere, and
//      waits for every peer's (the "summed" barrier). When the launch ends, this rank's residual
//      holds the whole sum, and no peer reads or writes it again before the next launch's step 1.
// Every rank adds in the same order, so the ranks' results are bitwise equal.
//
// The barriers live in each rank's flags (int32, its own GPU): ready[8], summed[8] (slot k set by
// rank k), epoch (launches done), done (blocks of this launch finished). A launch's barriers wait
// for epoch + 1 in the peers' slots, so the flags never need clearing, and counters that wrap
// around compare correctly. All launches of a rank must run one after another (one stream), in the
// same order on every rank. A wait longer than 10 s traps (a CUDA error for the caller) instead of
// hanging: a peer that never launches is a bug or a dead GPU.
//
// Arguments: residual0..residual7 bf16* (rank k's residual), flags0..flags7 int32* (rank k's flags;
// slots from `ranks` on are not read), ranks i32 (2..8), rank i32 (this rank), begin i64 (this
// rank's piece: first element), count i64 (its elements; may be 0). begin and count are multiples of
// 8 (16-byte words). Math in fp32, one rounding at the end.
//
// Launch: grid max(1, min(ceil(count / 8 / 512), 2 blocks an SM of the partition: 62 registers a
// thread)), block 512.
#include "common.cuh"

#define PEER_SUM_MAX_RANKS 8
#define FLAG_READY 0
#define FLAG_SUMMED 8
#define FLAG_EPOCH 16
#define FLAG_DONE 17
#define WAIT_LIMIT_NS 10000000000ull

// Through L2 only: a peer's words are read once, and L1 would keep nothing worth keeping.
__device__ __forceinline__ uint4 load_l2_16(const uint4* p) {
  uint4 r;
  asm volatile("ld.global.cg.v4.u32 {%0, %1, %2, %3}, [%4];" : "=r"(r.x), "=r"(r.y), "=r"(r.z), "=r"(r.w) : "l"(p));
  return r;
}

__device__ __forceinline__ unsigned load_acquire_sys(const int* p) {
  unsigned v;
  asm volatile("ld.acquire.sys.global.u32 %0, [%1];" : "=r"(v) : "l"(p) : "memory");
  return v;
}

__device__ __forceinline__ void store_release_sys(int* p, unsigned v) {
  asm volatile("st.release.sys.global.u32 [%0], %1;" : : "l"(p), "r"(v) : "memory");
}

__device__ __forceinline__ unsigned long long now_ns() {
  unsigned long long t;
  asm volatile("mov.u64 %0, %%globaltimer;" : "=l"(t));
  return t;
}

// Sets this rank's slot of `barrier` to `epoch` at every peer, after everything this thread's
// block (and, by the fence's cumulativity, what it has observed) wrote is visible to them.
__device__ void announce(int* const* flags, int ranks, int rank, int barrier, unsigned epoch) {
  __threadfence_system();
  for (int k = 0; k < ranks; ++k)
    if (k != rank) store_release_sys(flags[k] + barrier + rank, epoch);
}

// Waits until every peer's slot of `barrier` in this rank's flags has reached `epoch`.
__device__ void await_peers(const int* own, int ranks, int rank, int barrier, unsigned epoch) {
  const unsigned long long start = now_ns();
  for (int k = 0; k < ranks; ++k) {
    if (k == rank) continue;
    while (static_cast<int>(load_acquire_sys(own + barrier + k) - epoch) < 0) {
      if (now_ns() - start > WAIT_LIMIT_NS) asm volatile("trap;");
    }
  }
}

extern "C" __global__ void __launch_bounds__(512)
    peer_sum(bf16_t* residual0, bf16_t* residual1, bf16_t* residual2, bf16_t* residual3, bf16_t* residual4,
             bf16_t* residual5, bf16_t* residual6, bf16_t* residual7, int* flags0, int* flags1, int* flags2,
             int* flags3, int* flags4, int* flags5, int* flags6, int* flags7, int ranks, int rank,
             long long begin, long long count) {
  int* const flags[PEER_SUM_MAX_RANKS] = {flags0, flags1, flags2, flags3, flags4, flags5, flags6, flags7};
  int* const own = flags[rank];
  // Written only by the previous launch's last block, which ended before this launch began.
  const unsigned epoch = static_cast<unsigned>(*reinterpret_cast<volatile int*>(own + FLAG_EPOCH)) + 1u;

  // 1. Every block announces (whichever is resident first frees the peers) and waits.
  if (threadIdx.x == 0) {
    announce(flags, ranks, rank, FLAG_READY, epoch);
    await_peers(own, ranks, rank, FLAG_READY, epoch);
  }
  __syncthreads();

  // 2. This block's share of the piece.
  uint4* const piece[PEER_SUM_MAX_RANKS] = {
      reinterpret_cast<uint4*>(residual0 + begin), reinterpret_cast<uint4*>(residual1 + begin),
      reinterpret_cast<uint4*>(residual2 + begin), reinterpret_cast<uint4*>(residual3 + begin),
      reinterpret_cast<uint4*>(residual4 + begin), reinterpret_cast<uint4*>(residual5 + begin),
      reinterpret_cast<uint4*>(residual6 + begin), reinterpret_cast<uint4*>(residual7 + begin)};
  const long long words = count / 8;
  const long long stride = static_cast<long long>(gridDim.x) * blockDim.x;
  for (long long v = static_cast<long long>(blockIdx.x) * blockDim.x + threadIdx.x; v < words; v += stride) {
    // Every rank's load first, so their NVLink round trips overlap.
    uint4 part[PEER_SUM_MAX_RANKS];
#pragma unroll
    for (int k = 0; k < PEER_SUM_MAX_RANKS; ++k)
      if (k < ranks) part[k] = load_l2_16(piece[k] + v);
    float sum[8] = {0.f, 0.f, 0.f, 0.f, 0.f, 0.f, 0.f, 0.f};
#pragma unroll
    for (int k = 0; k < PEER_SUM_MAX_RANKS; ++k) {
      if (k >= ranks) break;
      const unsigned w[4] = {part[k].x, part[k].y, part[k].z, part[k].w};
#pragma unroll
      for (int i = 0; i < 4; ++i) {
        sum[2 * i] += bf16_lo(w[i]);
        sum[2 * i + 1] += bf16_hi(w[i]);
      }
    }
    const uint4 out = make_u4(pack_bf16x2(sum[0], sum[1]), pack_bf16x2(sum[2], sum[3]), pack_bf16x2(sum[4], sum[5]),
                              pack_bf16x2(sum[6], sum[7]));
#pragma unroll
    for (int k = 0; k < PEER_SUM_MAX_RANKS; ++k)
      if (k < ranks) piece[k][v] = out;
  }

  // 3. The block's writes visible everywhere, then counted; the last block counted runs the barrier.
  __threadfence_system();
  __syncthreads();
  if (threadIdx.x == 0) {
    const unsigned finished = atomicAdd(reinterpret_cast<unsigned*>(own + FLAG_DONE), 1u);
    if (finished == gridDim.x - 1) {
      announce(flags, ranks, rank, FLAG_SUMMED, epoch);
      await_peers(own, ranks, rank, FLAG_SUMMED, epoch);
      own[FLAG_DONE] = 0;
      own[FLAG_EPOCH] = static_cast<int>(epoch);
    }
  }
}
