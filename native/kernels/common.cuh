// Device helpers shared by nanoweave's kernels. Built on PTX alone, so the kernel sources need no
// CUDA header and NVRTC compiles them with only this folder on its include path.
#pragma once

// bf16 values are stored as their raw 16 bits.
typedef unsigned short bf16_t;

__device__ __forceinline__ float bf16_to_float(bf16_t h) { return __uint_as_float((unsigned)h << 16); }

// The low and high bf16 halves of a 32-bit word.
__device__ __forceinline__ float bf16_lo(unsigned w) { return __uint_as_float(w << 16); }
__device__ __forceinline__ float bf16_hi(unsigned w) { return __uint_as_float(w & 0xffff0000u); }

// Round to nearest even, as every framework's float -> bf16 conversion does.
__device__ __forceinline__ bf16_t float_to_bf16(float x) {
  unsigned short r;
  asm("cvt.rn.bf16.f32 %0, %1;" : "=h"(r) : "f"(x));
  return r;
}

// Two floats to one word of two bf16: lo in bits 0..15, hi in bits 16..31.
__device__ __forceinline__ unsigned pack_bf16x2(float lo, float hi) {
  unsigned r;
  asm("cvt.rn.bf16x2.f32 %0, %1, %2;" : "=r"(r) : "f"(hi), "f"(lo));
  return r;
}

// A 16-byte load of data read once: skips L1 so it does not evict anything useful. Volatile so
// the compiler keeps it where it was written, ahead of the work that hides its latency.
__device__ __forceinline__ uint4 load_stream_16(const void* p) {
  uint4 r;
  asm volatile("ld.global.nc.L1::no_allocate.v4.u32 {%0, %1, %2, %3}, [%4];"
               : "=r"(r.x), "=r"(r.y), "=r"(r.z), "=r"(r.w)
               : "l"(p));
  return r;
}

__device__ __forceinline__ uint4 make_u4(unsigned x, unsigned y, unsigned z, unsigned w) {
  uint4 r;
  r.x = x;
  r.y = y;
  r.z = z;
  r.w = w;
  return r;
}

__device__ __forceinline__ int imin(int a, int b) { return a < b ? a : b; }
__device__ __forceinline__ int imax(int a, int b) { return a > b ? a : b; }
