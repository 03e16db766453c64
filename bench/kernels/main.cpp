// The kernel harness: compiles native/kernels/*.cu with NVRTC as the addon does, checks every
// kernel against float64 references, then measures decode attention against the read limit on
// every green-context partition size. Prints a table and writes the numbers as JSON.
//
//   kernel_bench --kernels native/kernels [--json out.json] [--cubins dir] [--checks-only]
//                [--warmup 10] [--reps 50] [--attention-source file.cu] [--sizes 8,32,132]
//                [--skip-checks] [--attention-define NAME=VALUE]... [--attention-launch W,B,BYTES]
//                [--attention-pairs-source file.cu] [--attention-pairs-launch W,BYTES]
//                [--attention-mode auto|stream-k|pairs]
//                [--page-size 16] [--pages shuffled|in-order] [--requests 2048] [--context 1024]
// --attention-source times a variant of decode_attention in place of the kernels folder's own, and
// --attention-pairs-source one of decode_attention_pairs; --sizes limits the partition sizes
// (default: every multiple of 8, then all SMs); --attention-define passes -D to NVRTC for both;
// --attention-launch sets stream-K's warps per block, blocks per SM and staged shared-memory bytes
// per block, --attention-pairs-launch the pairs kernel's warps and shared-memory bytes;
// --attention-mode forces one kernel on every timed launch (the checks always run both);
// --pages in-order gives each request consecutive pages (the default shuffles them, as a
// long-running allocator would).
#include <cstdio>
#include <cstring>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include "attention_bench.h"
#include "kernel_checks.h"
#include "kernel_set.h"
#include "nvrtc_build.h"

namespace {

struct Options {
  std::string kernels = "native/kernels", json, cubins, attention_source, pairs_source;
  std::vector<int> sizes;
  std::vector<std::string> attention_defines;
  AttentionLaunch attention;
  int page_size = 16, requests = 2048, context = 1024;
  bool shuffle_pages = true;
  bool checks_only = false, skip_checks = false;
  int warmup = 10, reps = 50;
};

Options parse(int argc, char** argv) {
  Options o;
  for (int i = 1; i < argc; ++i) {
    const std::string a = argv[i];
    auto value = [&]() -> std::string {
      if (i + 1 >= argc) throw std::runtime_error(a + " needs a value");
      return argv[++i];
    };
    if (a == "--kernels") o.kernels = value();
    else if (a == "--json") o.json = value();
    else if (a == "--cubins") o.cubins = value();
    else if (a == "--checks-only") o.checks_only = true;
    else if (a == "--skip-checks") o.skip_checks = true;
    else if (a == "--page-size") o.page_size = std::stoi(value());
    else if (a == "--requests") o.requests = std::stoi(value());
    else if (a == "--context") o.context = std::stoi(value());
    else if (a == "--pages") {
      const std::string order = value();
      if (order != "shuffled" && order != "in-order") throw std::runtime_error("--pages takes shuffled or in-order");
      o.shuffle_pages = order == "shuffled";
    }
    else if (a == "--attention-source") o.attention_source = value();
    else if (a == "--attention-pairs-source") o.pairs_source = value();
    else if (a == "--attention-pairs-launch") {
      if (std::sscanf(value().c_str(), "%d,%d", &o.attention.pair_warps, &o.attention.pair_shared_bytes) != 2)
        throw std::runtime_error("--attention-pairs-launch takes WARPS,SHARED_BYTES");
    } else if (a == "--attention-mode") {
      const std::string mode = value();
      if (mode == "auto") o.attention.mode = AttentionMode::automatic;
      else if (mode == "stream-k") o.attention.mode = AttentionMode::stream_k;
      else if (mode == "pairs") o.attention.mode = AttentionMode::pairs;
      else throw std::runtime_error("--attention-mode takes auto, stream-k or pairs");
    }
    else if (a == "--attention-define") o.attention_defines.push_back("-D" + value());
    else if (a == "--attention-launch") {
      if (std::sscanf(value().c_str(), "%d,%d,%d", &o.attention.warps_per_block, &o.attention.blocks_per_sm,
                      &o.attention.staged_bytes) != 3)
        throw std::runtime_error("--attention-launch takes WARPS,BLOCKS_PER_SM,STAGED_BYTES");
    } else if (a == "--sizes") {
      std::stringstream list(value());
      for (std::string n; std::getline(list, n, ',');) o.sizes.push_back(std::stoi(n));
    }
    else if (a == "--warmup") o.warmup = std::stoi(value());
    else if (a == "--reps") o.reps = std::stoi(value());
    else throw std::runtime_error("unknown argument " + a);
  }
  return o;
}

std::string quoted(const std::string& s) {
  std::string out = "\"";
  for (char c : s) out += (c == '"' || c == '\\') ? std::string("\\") + c : std::string(1, c);
  return out + "\"";
}

void write_json(const std::string& path, const std::string& device_name, int device_sms, int driver,
                const KernelSet& kernels, const std::vector<CheckRecord>& checks, const BenchShape& shape,
                const std::vector<PartitionResult>& bench, const Options& o) {
  std::ostringstream j;
  j << "{\n  \"device\": " << quoted(device_name) << ", \"sms\": " << device_sms << ", \"driver\": " << driver
    << ", \"nvrtc\": " << quoted(nvrtc_version()) << ",\n  \"nvrtc_compile_ms\": {";
  for (size_t i = 0; i < kernels.sources.size(); ++i)
    j << (i ? ", " : "") << quoted(kernels.sources[i].name) << ": " << kernels.sources[i].compile_ms;
  j << "},\n  \"checks\": [\n";
  for (size_t i = 0; i < checks.size(); ++i)
    j << "    {\"kernel\": " << quoted(checks[i].kernel) << ", \"case\": " << quoted(checks[i].what)
      << ", \"ok\": " << (checks[i].ok ? "true" : "false") << ", \"max_abs_err\": " << checks[i].max_err << "}"
      << (i + 1 < checks.size() ? ",\n" : "\n");
  j << "  ],\n  \"attention\": {\"requests\": " << shape.requests << ", \"context\": " << shape.context
    << ", \"n_q_heads\": " << shape.n_q << ", \"n_kv_heads\": " << shape.n_kv << ", \"head_dim\": 128"
    << ", \"page_size\": " << shape.page_size << ", \"pages\": \"" << (shape.shuffle_pages ? "shuffled" : "in-order") << "\", \"warmup\": " << o.warmup << ", \"reps\": " << o.reps
    << ", \"statistic\": \"median\",\n    \"partitions\": [\n";
  for (size_t i = 0; i < bench.size(); ++i) {
    const PartitionResult& r = bench[i];
    j << "      {\"requested_sms\": " << r.requested_sms << ", \"granted_sms\": " << r.granted_sms
      << ", \"green_context\": " << (r.green ? "true" : "false") << ", \"attention_us\": " << r.attention.median_us
      << ", \"attention_tbs\": " << r.attention_tbs << ", \"read_us\": " << r.read.median_us
      << ", \"read_tbs\": " << r.read_tbs << ", \"percent_of_read\": " << 100.0 * r.attention_tbs / r.read_tbs
      << ", \"attention_us_min_max\": [" << r.attention.min_us << ", " << r.attention.max_us << "]"
      << ", \"read_us_min_max\": [" << r.read.min_us << ", " << r.read.max_us << "]"
      << ", \"kernel\": " << quoted(r.kernel)
      << ", \"output_ok\": " << (r.output_ok ? "true" : "false") << "}" << (i + 1 < bench.size() ? ",\n" : "\n");
  }
  j << "    ]\n  }\n}\n";
  std::ofstream(path) << j.str();
}

}  // namespace

int main(int argc, char** argv) try {
  const Options o = parse(argc, argv);
  CU(cuInit(0));
  CUdevice device;
  CU(cuDeviceGet(&device, 0));
  char name[256] = {};
  CU(cuDeviceGetName(name, sizeof name, device));
  int sms = 0, driver = 0;
  CU(cuDeviceGetAttribute(&sms, CU_DEVICE_ATTRIBUTE_MULTIPROCESSOR_COUNT, device));
  CU(cuDriverGetVersion(&driver));
  CUcontext primary;
  CU(cuDevicePrimaryCtxRetain(&primary, device));
  CU(cuCtxSetCurrent(primary));
  std::printf("device: %s, %d SMs, driver API %d, NVRTC %s\n", name, sms, driver, nvrtc_version().c_str());

  const KernelSet kernels = build_kernel_set(o.kernels, device, o.attention_source, o.pairs_source, o.attention_defines);
  if (!o.attention_source.empty()) std::printf("decode_attention from %s\n", o.attention_source.c_str());
  if (!o.pairs_source.empty()) std::printf("decode_attention_pairs from %s\n", o.pairs_source.c_str());
  for (const auto& s : kernels.sources) {
    std::printf("NVRTC compiled %s.cu in %.0f ms\n", s.name.c_str(), s.compile_ms);
    if (!o.cubins.empty()) std::ofstream(o.cubins + "/" + s.name + ".cubin", std::ios::binary) << s.cubin;
  }

  CUstream stream;
  CU(cuStreamCreate(&stream, CU_STREAM_NON_BLOCKING));
  std::vector<CheckRecord> checks;
  if (!o.skip_checks) checks = run_kernel_checks(kernels, o.attention, stream, sms);
  int failed = 0;
  for (const auto& c : checks) failed += !c.ok;
  std::printf("checks: %zu run, %d failed\n", checks.size(), failed);

  BenchShape shape;
  shape.page_size = o.page_size;
  shape.shuffle_pages = o.shuffle_pages;
  shape.requests = o.requests;
  shape.context = o.context;
  std::vector<PartitionResult> bench;
  if (!o.checks_only) {
    std::vector<int> sizes = o.sizes;
    if (sizes.empty()) {
      for (int n = 8; n < sms; n += 8) sizes.push_back(n);
      sizes.push_back(sms);
    }
    bench = bench_attention(kernels, device, primary, shape, o.attention, sizes, o.warmup, o.reps);
    std::printf("\n| partition SMs | ours TB/s | read limit TB/s | ours / limit |\n|---|---|---|---|\n");
    for (const auto& r : bench)
      std::printf("| %d%s | %.2f | %.2f | %.1f%% |\n", r.granted_sms, r.green ? "" : " (no partition)",
                  r.attention_tbs, r.read_tbs, 100.0 * r.attention_tbs / r.read_tbs);
    for (const auto& r : bench) failed += !r.output_ok;
  }
  if (!o.json.empty()) write_json(o.json, name, sms, driver, kernels, checks, shape, bench, o);
  return failed ? 1 : 0;
} catch (const std::exception& e) {
  std::fprintf(stderr, "kernel_bench: %s\n", e.what());
  return 2;
}
