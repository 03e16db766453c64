// The sum step of the copy-engine all-reduce: after the copy engines have pulled the other ranks'
// partial sums of one stretch of the residual into `partials`, this adds them to this rank's own:
// out[begin + i] += partials[k * stride + i] for k < parts, i < count.
//
// Layouts (bf16): out [>= begin + count], partials [parts, stride]; begin, count and stride are
// multiples of 8 (16-byte words). Math in fp32 (own value first, then the parts in order), one
// rounding at the end.
//
// Launch: grid ceil(count / 8 / 256), block 256.
#include "common.cuh"

extern "C" __global__ void __launch_bounds__(256)
    add_partials(bf16_t* __restrict__ out, const bf16_t* __restrict__ partials, long long begin,
                 long long count, long long stride, int parts) {
  const long long v = static_cast<long long>(blockIdx.x) * blockDim.x + threadIdx.x;
  if (v >= count / 8) return;
  uint4* target = reinterpret_cast<uint4*>(out + begin) + v;
  const uint4 own = *target;
  const unsigned ow[4] = {own.x, own.y, own.z, own.w};
  float sum[8];
#pragma unroll
  for (int i = 0; i < 4; ++i) {
    sum[2 * i] = bf16_lo(ow[i]);
    sum[2 * i + 1] = bf16_hi(ow[i]);
  }
  for (int k = 0; k < parts; ++k) {
    const uint4 p = load_stream_16(reinterpret_cast<const uint4*>(partials + k * stride) + v);
    const unsigned pw[4] = {p.x, p.y, p.z, p.w};
#pragma unroll
    for (int i = 0; i < 4; ++i) {
      sum[2 * i] += bf16_lo(pw[i]);
      sum[2 * i + 1] += bf16_hi(pw[i]);
    }
  }
  *target = make_u4(pack_bf16x2(sum[0], sum[1]), pack_bf16x2(sum[2], sum[3]), pack_bf16x2(sum[4], sum[5]),
                    pack_bf16x2(sum[6], sum[7]));
}
