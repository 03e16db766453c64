// Embedding lookup: out[t, :] = table[ids[t], :].
//
// Layouts: table bf16 [vocab, hidden], ids int32 [tokens], out bf16 [tokens, hidden];
// hidden % 8 == 0. An id outside [0, vocab) gives a row of zeros rather than a wild read.
//
// Launch: grid (ceil(hidden / 8 / 256), row_end - row_begin), block 256.
#include "common.cuh"

extern "C" __global__ void __launch_bounds__(256)
    embedding(const bf16_t* __restrict__ table, const int* __restrict__ ids, bf16_t* __restrict__ out,
              int row_begin, int row_end, int hidden, int vocab) {
  const int v = blockIdx.x * blockDim.x + threadIdx.x;
  const long long row = row_begin + blockIdx.y;
  if (v >= hidden / 8 || row >= row_end) return;
  const int id = ids[row];
  uint4 value = make_u4(0u, 0u, 0u, 0u);
  if (id >= 0 && id < vocab) value = reinterpret_cast<const uint4*>(table + (long long)id * hidden)[v];
  reinterpret_cast<uint4*>(out + row * hidden)[v] = value;
}
