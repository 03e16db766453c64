// Decode attention against the read limit on every green-context partition size: for each, our
// kernel's and the streaming read's bandwidth on the same KV bytes, and a check of the output.
#pragma once
#include <string>
#include <vector>

#include "attention_launch.h"
#include "event_timer.h"
#include "kernel_set.h"

struct BenchShape {
  int requests = 2048, context = 1024, n_q = 8, n_kv = 1, page_size = 16;  // Llama-2-70B TP8 decode
  bool shuffle_pages = true;
};

struct PartitionResult {
  int requested_sms, granted_sms;
  bool green;  // false: the primary context, no partition
  Timing attention, read;
  double attention_tbs, read_tbs;
  bool output_ok;
  double output_max_err;
  std::string kernel;  // which decode attention kernel the launch rule picked
};

std::vector<PartitionResult> bench_attention(const KernelSet& kernels, CUdevice device, CUcontext primary,
                                             const BenchShape& shape, const AttentionLaunch& config,
                                             const std::vector<int>& partition_sms, int warmup, int reps);
