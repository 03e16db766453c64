// Launches a kernel with arguments of the types the addon's generic launcher passes: device
// pointers (CUdeviceptr), int32, uint32, float32 and int64.
#pragma once
#include "cuda_api.h"

struct LaunchShape {
  unsigned grid_x, grid_y = 1;
  unsigned block;
  unsigned shared_bytes = 0;
};

template <class... Args>
void launch(CUfunction kernel, const LaunchShape& shape, CUstream stream, Args... args) {
  void* params[] = {static_cast<void*>(&args)...};
  CU(cuLaunchKernel(kernel, shape.grid_x, shape.grid_y, 1, shape.block, 1, 1, shape.shared_bytes,
                    stream, params, nullptr));
}
