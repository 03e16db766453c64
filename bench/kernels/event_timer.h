// Median GPU time of a launch, by CUDA events around each repetition after a warm-up.
#pragma once
#include <functional>

#include "cuda_api.h"

struct Timing {
  double median_us, min_us, max_us;
  int reps;
};

// Events are made in the current context, which must own `stream`.
Timing time_launches(CUstream stream, int warmup, int reps, const std::function<void()>& launch_once);
