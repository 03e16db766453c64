// Correctness of every kernel against the float64 references, on fresh random inputs with poisoned
// outputs, at several shapes including odd ones and row ranges that do not start at 0.
#pragma once
#include <string>
#include <vector>

#include "attention_launch.h"
#include "kernel_set.h"

struct CheckRecord {
  std::string kernel, what;
  bool ok;
  double max_err;
};

// Runs every check in the current context; returns the verdicts in order.
std::vector<CheckRecord> run_kernel_checks(const KernelSet& kernels, const AttentionLaunch& attention, CUstream stream,
                                           int device_sms);
