#include "paged_attention_case.h"

#include <algorithm>
#include <cmath>
#include <numeric>

#include "host_bf16.h"
#include "launch.h"

namespace {
constexpr int kMaxGroup = 8;
}  // namespace

std::string AttentionShape::describe() const {
  const auto [lo, hi] = std::minmax_element(lens.begin(), lens.end());
  return "req=" + std::to_string(requests) + " q/kv=" + std::to_string(n_q) + "/" +
         std::to_string(n_kv) + " page=" + std::to_string(page_size) + " ctx=" + std::to_string(*lo) +
         ".." + std::to_string(*hi);
}

PagedAttentionCase::PagedAttentionCase(const AttentionShape& shape, int max_warps, uint64_t seed)
    : shape_(shape) {
  Rng rng(seed);
  const int ps = shape.page_size;
  std::vector<int> pages_of(shape.requests);
  int used = 0, widest = 0;
  for (int r = 0; r < shape.requests; ++r) {
    pages_of[r] = (shape.lens[r] + ps - 1) / ps;
    used += pages_of[r];
    widest = std::max(widest, pages_of[r]);
  }
  max_pages_ = widest + shape.spare_pages;
  num_pages_ = used + 1;  // the last page is all NaN: unused table entries point at it
  const int poison_page = used;

  std::vector<int> order(used);
  std::iota(order.begin(), order.end(), 0);
  if (shape.shuffle_pages)
    for (int i = used - 1; i > 0; --i) std::swap(order[i], order[rng.below(i + 1)]);
  table_.assign((size_t)shape.requests * max_pages_, poison_page);
  for (int r = 0, next = 0; r < shape.requests; ++r)
    for (int p = 0; p < pages_of[r]; ++p) table_[(size_t)r * max_pages_ + p] = order[next++];

  const size_t cache_elems = (size_t)num_pages_ * shape.n_kv * ps * kHeadDim;
  kv_host_.resize(2 * cache_elems);
  fill_uniform_bf16(kv_host_, -1.f, 1.f, seed + 1);
  // Slots past each context and the spare page hold NaN: reading them into the result shows.
  auto poison_slot = [&](long long page, int head, int slot) {
    for (int half = 0; half < 2; ++half) {
      uint16_t* row = kv_host_.data() + half * cache_elems + ((page * shape.n_kv + head) * ps + slot) * kHeadDim;
      std::fill(row, row + kHeadDim, kBf16Poison);
    }
  };
  for (int r = 0; r < shape.requests; ++r) {
    if (shape.lens[r] % ps == 0) continue;
    const int last = table_[(size_t)r * max_pages_ + pages_of[r] - 1];
    for (int h = 0; h < shape.n_kv; ++h)
      for (int slot = shape.lens[r] % ps; slot < ps; ++slot) poison_slot(last, h, slot);
  }
  for (int h = 0; h < shape.n_kv; ++h)
    for (int slot = 0; slot < ps; ++slot) poison_slot(poison_page, h, slot);

  q_ = random_bf16((size_t)shape.requests * shape.n_q * kHeadDim, -2.f, 2.f, seed + 2);
  q_dev_ = std::make_unique<DeviceArray<uint16_t>>(q_);
  kv_ = std::make_unique<DeviceArray<uint16_t>>(kv_host_);
  out_ = std::make_unique<DeviceArray<uint16_t>>(q_.size());
  table_dev_ = std::make_unique<DeviceArray<int>>(table_);
  lens_dev_ = std::make_unique<DeviceArray<int>>(shape.lens);
  const size_t warps = max_warps;
  partial_o_ = std::make_unique<DeviceArray<uint16_t>>(2 * warps * kMaxGroup * kHeadDim);
  partial_ml_ = std::make_unique<DeviceArray<float>>(2 * warps * kMaxGroup * 2);
  counters_ = std::make_unique<DeviceArray<int>>(warps);
  counters_->fill_bytes(0);
  partial_o_->fill_bytes(0xff);
  partial_ml_->fill_bytes(0xff);
}

PagedKvView PagedAttentionCase::view() const {
  const size_t cache_elems = kv_host_.size() / 2;
  return {kv_host_.data(), kv_host_.data() + cache_elems, table_.data(), shape_.n_kv,
          shape_.page_size, max_pages_};
}

double PagedAttentionCase::kv_bytes_read() const {
  const double keys = std::accumulate(shape_.lens.begin(), shape_.lens.end(), 0.0);
  return keys * shape_.n_kv * kHeadDim * 2 /* bytes */ * 2 /* K and V */;
}

const char* PagedAttentionCase::launch(const AttentionFunctions& kernels, CUstream stream, int row_begin, int row_end,
                                       int sms, const AttentionLaunch& config) const {
  const bool pairs = config.uses_pairs((row_end - row_begin) * shape_.n_kv, max_pages_, shape_.page_size, sms);
  const CUfunction kernel = pairs ? kernels.pairs : kernels.stream_k;
  const LaunchShape shape = pairs ? LaunchShape{unsigned(sms), 1, unsigned(config.pair_warps * 32), unsigned(config.pair_shared_bytes)}
                                  : LaunchShape{unsigned(config.grid(sms)), 1, unsigned(config.warps_per_block * 32),
                                                config.shared_bytes(row_end - row_begin)};
  CU(cuFuncSetAttribute(kernel, CU_FUNC_ATTRIBUTE_MAX_DYNAMIC_SHARED_SIZE_BYTES, int(shape.shared_bytes)));
  const CUdeviceptr k = kv_->ptr(), v = kv_->ptr() + kv_->bytes() / 2;
  ::launch(kernel, shape, stream, q_dev_->ptr(), k, v, table_dev_->ptr(), lens_dev_->ptr(), out_->ptr(),
           partial_o_->ptr(), partial_ml_->ptr(), counters_->ptr(), row_begin, row_end, shape_.n_q, shape_.n_kv,
           shape_.page_size, max_pages_, float(1.0 / std::sqrt(double(kHeadDim))));
  return pairs ? "decode_attention_pairs" : "decode_attention";
}

Comparison PagedAttentionCase::check(int row_begin, int row_end, int stride) const {
  const std::vector<uint16_t> out = out_->download();
  const std::vector<int> counters = counters_->download();
  Comparison cmp(2e-3, 1e-2);
  const size_t row_elems = (size_t)shape_.n_q * kHeadDim;
  const PagedKvView kv = view();
  std::vector<int> rows;
  for (int r = row_begin; r < row_end; r += stride) rows.push_back(r);
  if (rows.empty() || rows.back() != row_end - 1) rows.push_back(row_end - 1);
  std::vector<std::vector<double>> refs(rows.size());
#pragma omp parallel for schedule(dynamic)
  for (size_t i = 0; i < rows.size(); ++i)
    refs[i] = attention_reference(kv, q_.data() + rows[i] * row_elems, shape_.n_q, rows[i],
                                  shape_.lens[rows[i]], 1.0 / std::sqrt(double(kHeadDim)));
  for (size_t i = 0; i < rows.size(); ++i)
    for (size_t e = 0; e < row_elems; ++e) cmp.add(bf16_to_float(out[rows[i] * row_elems + e]), refs[i][e]);
  for (int r = 0; r < shape_.requests; ++r) {
    if (r >= row_begin && r < row_end) continue;
    for (size_t e = 0; e < row_elems; ++e) cmp.require(out[r * row_elems + e] == kBf16Poison);
  }
  for (int c : counters) cmp.require(c == 0);
  return cmp;
}
