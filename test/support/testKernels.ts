/** Tiny CUDA kernels the GPU tests compile with NVRTC (not product kernels). */

export const TEST_KERNELS_SOURCE = String.raw`
#include <cuda_bf16.h>

// Records the SM each block ran on, then holds the SM a while so the blocks spread out.
extern "C" __global__ void record_sm(int* sm_of_block, long long spin_cycles) {
  unsigned int sm;
  asm volatile("mov.u32 %0, %%smid;" : "=r"(sm));
  if (threadIdx.x == 0) sm_of_block[blockIdx.x] = (int)sm;
  const long long start = clock64();
  while (clock64() - start < spin_cycles) {}
}

// out[i] = factor * in[i] for i in [first, first + count): a row range, as product kernels take.
extern "C" __global__ void scale_bf16(float* out, const __nv_bfloat16* in, float factor, int first, int count) {
  const int i = first + blockIdx.x * blockDim.x + threadIdx.x;
  if (i < first + count) out[i] = factor * __bfloat162float(in[i]);
}

// Writes its scalar arguments back as 32-bit words.
extern "C" __global__ void echo_arguments(int* out, int a, unsigned int b, float c, long long d) {
  out[0] = a;
  out[1] = (int)b;
  out[2] = __float_as_int(c);
  out[3] = (int)(d & 0xffffffffLL);
  out[4] = (int)(d >> 32);
}

// values[i] += 1: graph replays are counted.
extern "C" __global__ void add_one(int* values, int count) {
  const int i = blockIdx.x * blockDim.x + threadIdx.x;
  if (i < count) values[i] += 1;
}

// Uses dynamic shared memory, so launches must ask for it.
extern "C" __global__ void use_shared(int* out) {
  extern __shared__ int scratch[];
  scratch[threadIdx.x] = threadIdx.x;
  __syncthreads();
  if (threadIdx.x == 0) out[0] = scratch[blockDim.x - 1];
}
`;
