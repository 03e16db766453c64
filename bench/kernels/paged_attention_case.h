// One decode-attention problem: random q and a paged KV cache on host and device, the kernel's
// workspace, its launch, and the check of its output against the float64 reference.
#pragma once
#include <memory>
#include <string>
#include <vector>

#include "attention_launch.h"
#include "comparison.h"
#include "device_array.h"
#include "kernel_set.h"
#include "references.h"

struct AttentionShape {
  int requests, n_q, n_kv, page_size;
  std::vector<int> lens;  // per request
  int spare_pages = 1;    // page-table entries past each request's last page (they point at a NaN page)
  bool shuffle_pages = true;  // pages in random order, as a long-running allocator hands them out
  std::string describe() const;
};

class PagedAttentionCase {
 public:
  // max_warps: the most warps a launch will have (sizes the workspace).
  PagedAttentionCase(const AttentionShape& shape, int max_warps, uint64_t seed);

  void poison_output() { out_->fill_bytes(0xff); }
  // On `sms` SMs, with the kernel config.uses_pairs picks; returns that kernel's name.
  const char* launch(const AttentionFunctions& kernels, CUstream stream, int row_begin, int row_end, int sms,
                     const AttentionLaunch& config) const;
  bool pairs_fit() const { return AttentionLaunch::pairs_fit(max_pages_, shape_.page_size); }
  // Rows [row_begin, row_end) against the reference (every `stride`-th one, the last included);
  // rows outside must still hold the poison, and the merge counters must be back at zero.
  Comparison check(int row_begin, int row_end, int stride = 1) const;

  CUdeviceptr kv_bytes_begin() const { return kv_->ptr(); }
  size_t kv_bytes() const { return kv_->bytes(); }
  // KV bytes decode attention must read: every valid key's K and V rows.
  double kv_bytes_read() const;
  const AttentionShape& shape() const { return shape_; }

 private:
  AttentionShape shape_;
  int max_pages_, num_pages_;
  std::vector<uint16_t> q_, kv_host_;  // kv_host_: K then V, each [num_pages, n_kv, page_size, 128]
  std::vector<int> table_;
  std::unique_ptr<DeviceArray<uint16_t>> q_dev_, kv_, out_;
  std::unique_ptr<DeviceArray<int>> table_dev_, lens_dev_, counters_;
  std::unique_ptr<DeviceArray<uint16_t>> partial_o_;  // bf16
  std::unique_ptr<DeviceArray<float>> partial_ml_;

  PagedKvView view() const;
};
