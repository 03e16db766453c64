// Every nanoweave kernel, compiled from native/kernels by NVRTC and loaded as context-independent
// libraries, so the same handles launch in the primary context and in any green context.
#pragma once
#include <string>
#include <vector>

#include "cuda_api.h"

struct KernelSet {
  CUkernel decode_attention, decode_attention_pairs, rmsnorm, rope_kv_append, silu_and_mul, embedding, argmax,
      stream_read;
  struct Source {
    std::string name;
    std::string cubin;
    double compile_ms;
  };
  std::vector<Source> sources;
};

// attention_source, pairs_source: other files for decode_attention and decode_attention_pairs (variants
// under study), empty for kernel_dir's own; attention_options: more NVRTC options for both.
KernelSet build_kernel_set(const std::string& kernel_dir, CUdevice device, const std::string& attention_source = "",
                           const std::string& pairs_source = "", const std::vector<std::string>& attention_options = {});

// The kernel's function in whichever context is current.
CUfunction function_in_current_context(CUkernel kernel);

// Both decode attention kernels' functions in whichever context is current.
struct AttentionFunctions {
  CUfunction stream_k, pairs;
};
AttentionFunctions attention_functions(const KernelSet& kernels);
