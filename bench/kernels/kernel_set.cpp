#include "kernel_set.h"

#include <chrono>

#include "nvrtc_build.h"

namespace {

// Each source file holds one entry point of the same name.
CUkernel load(KernelSet& set, const std::string& dir, const std::string& name, CUdevice device,
              const std::string& source = "", const std::vector<std::string>& options = {}) {
  const auto start = std::chrono::steady_clock::now();
  BuiltKernels built = build_kernel_source(source.empty() ? dir + "/" + name + ".cu" : source, dir, device, options);
  const double ms =
      std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - start).count();
  set.sources.push_back({name, built.cubin, ms});
  CUkernel kernel;
  CU(cuLibraryGetKernel(&kernel, built.library, name.c_str()));
  return kernel;
}

}  // namespace

KernelSet build_kernel_set(const std::string& dir, CUdevice device, const std::string& attention_source,
                           const std::string& pairs_source, const std::vector<std::string>& attention_options) {
  KernelSet set;
  set.decode_attention = load(set, dir, "decode_attention", device, attention_source, attention_options);
  set.decode_attention_pairs = load(set, dir, "decode_attention_pairs", device, pairs_source, attention_options);
  set.rmsnorm = load(set, dir, "rmsnorm", device);
  set.rope_kv_append = load(set, dir, "rope_kv_append", device);
  set.silu_and_mul = load(set, dir, "silu_and_mul", device);
  set.embedding = load(set, dir, "embedding", device);
  set.argmax = load(set, dir, "argmax", device);
  set.stream_read = load(set, dir, "stream_read", device);
  return set;
}

CUfunction function_in_current_context(CUkernel kernel) {
  CUfunction function;
  CU(cuKernelGetFunction(&function, kernel));
  return function;
}

AttentionFunctions attention_functions(const KernelSet& kernels) {
  return {function_in_current_context(kernels.decode_attention), function_in_current_context(kernels.decode_attention_pairs)};
}
