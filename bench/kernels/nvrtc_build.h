// Compiles a kernel source of native/kernels with NVRTC, for the device's own architecture and with
// only the kernels' folder on the include path: the way the addon compiles them at run time.
#pragma once
#include <string>
#include <vector>

#include "cuda_api.h"

struct BuiltKernels {
  CUlibrary library;
  std::string cubin;  // what NVRTC produced, kept for disassembly
};

// extra_options: more NVRTC options, such as -D definitions of a variant under study.
BuiltKernels build_kernel_source(const std::string& path, const std::string& include_dir, CUdevice device,
                                 const std::vector<std::string>& extra_options = {});

// The version of the NVRTC library in use, as "major.minor".
std::string nvrtc_version();
