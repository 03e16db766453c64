#include "attention_bench.h"

#include <cstdio>
#include <memory>

#include "device_array.h"
#include "green_partition.h"
#include "launch.h"
#include "paged_attention_case.h"

namespace {

constexpr int kCheckRowStride = 64;

PartitionResult measure(const KernelSet& kernels, PagedAttentionCase& problem, const AttentionLaunch& config,
                        DeviceArray<unsigned>& sink, CUstream stream, int sms, int warmup, int reps) {
  const AttentionFunctions attention = attention_functions(kernels);
  const CUfunction read = function_in_current_context(kernels.stream_read);
  const int rows = problem.shape().requests;
  const long long words16 = (long long)(problem.kv_bytes() / 16);
  PartitionResult r{};
  r.read = time_launches(stream, warmup, reps, [&] {
    launch(read, LaunchShape{unsigned(sms), 1, 1024}, stream, problem.kv_bytes_begin(), words16, sink.ptr());
  });
  problem.poison_output();
  const char* kernel = "";
  r.attention = time_launches(stream, warmup, reps, [&] { kernel = problem.launch(attention, stream, 0, rows, sms, config); });
  const Comparison cmp = problem.check(0, rows, kCheckRowStride);
  r.output_ok = cmp.ok();
  r.output_max_err = cmp.max_err();
  r.read_tbs = problem.kv_bytes() / (r.read.median_us * 1e-6) / 1e12;
  r.attention_tbs = problem.kv_bytes_read() / (r.attention.median_us * 1e-6) / 1e12;
  r.kernel = kernel;
  std::printf("  %3d SMs: attention %8.1f us %5.2f TB/s | read %8.1f us %5.2f TB/s | %5.1f%% | output %s (max err %.2g) | %s\n",
              sms, r.attention.median_us, r.attention_tbs, r.read.median_us, r.read_tbs,
              100.0 * r.attention_tbs / r.read_tbs, r.output_ok ? "ok" : "WRONG", r.output_max_err, kernel);
  std::fflush(stdout);
  return r;
}

}  // namespace

std::vector<PartitionResult> bench_attention(const KernelSet& kernels, CUdevice device, CUcontext primary,
                                             const BenchShape& s, const AttentionLaunch& config,
                                             const std::vector<int>& partition_sms, int warmup, int reps) {
  int device_sms = 0;
  CU(cuDeviceGetAttribute(&device_sms, CU_DEVICE_ATTRIBUTE_MULTIPROCESSOR_COUNT, device));
  AttentionShape shape{s.requests, s.n_q, s.n_kv, s.page_size, std::vector<int>(s.requests, s.context), 0,
                      s.shuffle_pages};
  PagedAttentionCase problem(shape, config.grid(device_sms) * config.warps_per_block, 900);
  std::printf("attention bench: %s, KV %.4f GB read per launch, %d warm-up + %d timed launches each\n",
              shape.describe().c_str(), problem.kv_bytes_read() / 1e9, warmup, reps);
  DeviceArray<unsigned> sink((size_t)device_sms * 1024);
  std::vector<PartitionResult> results;
  for (int sms : partition_sms) {
    GreenPartition partition(device, sms);
    partition.make_current();
    PartitionResult r =
        measure(kernels, problem, config, sink, partition.stream(), partition.granted_sms(), warmup, reps);
    r.requested_sms = sms;
    r.granted_sms = partition.granted_sms();
    r.green = true;
    results.push_back(r);
    CU(cuCtxSetCurrent(primary));
  }
  // The whole GPU without any partition, as PyTorch runs.
  CUstream stream;
  CU(cuStreamCreate(&stream, CU_STREAM_NON_BLOCKING));
  PartitionResult r = measure(kernels, problem, config, sink, stream, device_sms, warmup, reps);
  r.requested_sms = r.granted_sms = device_sms;
  r.green = false;
  results.push_back(r);
  CU(cuStreamDestroy(stream));
  return results;
}
