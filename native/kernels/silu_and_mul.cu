// SiLU-and-mul of the MLP: out[t, i] = silu(gate_up[t, i]) * gate_up[t, I + i].
//
// Layouts (bf16): gate_up [tokens, 2 I] (gate columns first, then up), out [tokens, I]; I % 8 == 0.
// Math in fp32, one rounding at the end.
//
// Launch: grid (ceil(I / 8 / 256), row_end - row_begin), block 256.
#include "common.cuh"

namespace {
__device__ __forceinline__ float silu_mul(float gate, float up) {
  return __fdividef(gate, 1.f + __expf(-gate)) * up;
}
}  // namespace

extern "C" __global__ void __launch_bounds__(256)
    silu_and_mul(const bf16_t* __restrict__ gate_up, bf16_t* __restrict__ out, int row_begin,
                 int row_end, int intermediate) {
  const int v = blockIdx.x * blockDim.x + threadIdx.x;
  const long long row = row_begin + blockIdx.y;
  if (v >= intermediate / 8 || row >= row_end) return;
  const uint4* in_row = reinterpret_cast<const uint4*>(gate_up + row * 2 * intermediate);
  const uint4 g = load_stream_16(in_row + v), u = load_stream_16(in_row + intermediate / 8 + v);
  const unsigned gw[4] = {g.x, g.y, g.z, g.w}, uw[4] = {u.x, u.y, u.z, u.w};
  unsigned ow[4];
#pragma unroll
  for (int i = 0; i < 4; ++i)
    ow[i] = pack_bf16x2(silu_mul(bf16_lo(gw[i]), bf16_lo(uw[i])), silu_mul(bf16_hi(gw[i]), bf16_hi(uw[i])));
  reinterpret_cast<uint4*>(out + row * intermediate)[v] = make_u4(ow[0], ow[1], ow[2], ow[3]);
}
