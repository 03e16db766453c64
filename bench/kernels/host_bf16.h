// bf16 on the host (round to nearest even, as the GPU's conversions) and the random inputs the
// checks and timings use.
#pragma once
#include <cstdint>
#include <algorithm>
#include <cstring>
#include <vector>

inline float bf16_to_float(uint16_t h) {
  const uint32_t bits = uint32_t(h) << 16;
  float f;
  std::memcpy(&f, &bits, 4);
  return f;
}

inline uint16_t float_to_bf16(float f) {
  uint32_t bits;
  std::memcpy(&bits, &f, 4);
  if ((bits & 0x7fffffffu) > 0x7f800000u) return 0x7fc0;  // NaN stays NaN
  bits += 0x7fffu + ((bits >> 16) & 1u);
  return uint16_t(bits >> 16);
}

// The bf16 value nearest to x, back as a double: what a kernel's single final rounding gives.
inline double round_bf16(double x) { return bf16_to_float(float_to_bf16(float(x))); }

constexpr uint16_t kBf16Poison = 0xffff;  // a NaN

// splitmix64: fast, seedable, good enough for test data.
class Rng {
 public:
  explicit Rng(uint64_t seed) : state_(seed) {}
  uint64_t next() {
    uint64_t z = (state_ += 0x9e3779b97f4a7c15ull);
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
    return z ^ (z >> 31);
  }
  double uniform(double lo, double hi) { return lo + (hi - lo) * double(next() >> 11) * 0x1.0p-53; }
  int below(int n) { return int(next() % uint64_t(n)); }

 private:
  uint64_t state_;
};

// Uniform bf16 values in [lo, hi), filled in parallel chunks each with its own stream.
inline void fill_uniform_bf16(std::vector<uint16_t>& out, float lo, float hi, uint64_t seed) {
  const long long n = (long long)out.size();
  const long long chunk = 1 << 20;
#pragma omp parallel for schedule(static)
  for (long long c = 0; c < (n + chunk - 1) / chunk; ++c) {
    Rng rng(seed * 1000003ull + uint64_t(c));
    const long long end = std::min(n, (c + 1) * chunk);
    for (long long i = c * chunk; i < end; ++i) out[i] = float_to_bf16(float(rng.uniform(lo, hi)));
  }
}

inline std::vector<uint16_t> random_bf16(size_t n, float lo, float hi, uint64_t seed) {
  std::vector<uint16_t> out(n);
  fill_uniform_bf16(out, lo, hi, seed);
  return out;
}
