// The sum of the peer all-reduce (runtime/engine/peerAllReduce.ts). Each rank owns one piece of the
// residual rows being summed; once every rank's partial sums are final, each rank's launch reads its
// piece from every rank's residual (its own, and its peers' over NVLink), adds them in rank order
// and writes the sum back into every rank's residual. When every rank's launch is done (the
// caller's flags say when), every rank holds the whole sum. Every rank adds in the same order, so
// the ranks' results are bitwise equal.
//
// Arguments: residual0..residual7 bf16* (rank k's residual; slots from `ranks` on are not read),
// ranks i32 (2..8), begin i64 (this rank's piece: first element), count i64 (its elements). begin
// and count are multiples of 8 (16-byte words). Math in fp32, one rounding at the end.
//
// Launch: grid min(ceil(count / 8 / 512), 2 blocks an SM of the partition: 62 registers a thread), block 512.
#include "common.cuh"

#define PEER_SUM_MAX_RANKS 8

// Through L2 only: a peer's words are read once, and L1 would keep nothing worth keeping.
__device__ __forceinline__ uint4 load_l2_16(const uint4* p) {
  uint4 r;
  asm volatile("ld.global.cg.v4.u32 {%0, %1, %2, %3}, [%4];" : "=r"(r.x), "=r"(r.y), "=r"(r.z), "=r"(r.w) : "l"(p));
  return r;
}

extern "C" __global__ void __launch_bounds__(512)
    peer_sum(bf16_t* residual0, bf16_t* residual1, bf16_t* residual2, bf16_t* residual3, bf16_t* residual4,
             bf16_t* residual5, bf16_t* residual6, bf16_t* residual7, int ranks, long long begin, long long count) {
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
  // The peers learn the sum is there from a flag set after this launch: make the writes visible system-wide first.
  __threadfence_system();
}
