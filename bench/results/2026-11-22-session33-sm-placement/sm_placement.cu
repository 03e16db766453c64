// Which SMs the groups of a green-context split hold, which GPC each SM sits in, and whether the
// choice of groups for the memory partition changes a streaming read on it and a GEMM beside it.
//
//   nvcc -O2 -std=c++17 -arch=sm_90 sm_placement.cu -lcuda -lcublas -o sm_placement
//   ./sm_placement            (prints everything to stdout)
//   ./sm_placement tpc        (instead of the three choices: memory of 2-SM units spread over the
//                              GPCs against the runtime's ranked remainder; added after calls 1-2)
//
// GPCs are found from thread-block clusters, which never span a GPC: every pair of SMs that ever
// hosts blocks of one cluster is joined (union-find) over many launches of several cluster sizes.
// A partition of the memory stream is some 8-SM groups of one split plus the split's remainder,
// as the runtime's memory partition is. Three ways to pick its groups:
//   runtime  what nanoweave does today: split off the compute groups first, memory is the rest;
//   spread   each group from a different GPC, GPCs with the most groups first;
//   packed   groups filling one GPC before the next.
// Each is timed three ways: the read alone, the GEMM alone on the other groups, and each beside
// the other (the other launched first and kept running throughout).
#include <cublas_v2.h>
#include <cuda.h>
#include <cuda_runtime.h>

#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <map>
#include <numeric>
#include <set>
#include <string>
#include <vector>

#define CU(call) check_cu((call), #call, __LINE__)
#define RT(call) check_rt((call), #call, __LINE__)
#define BLAS(call) check_blas((call), #call, __LINE__)

static void check_cu(CUresult r, const char* what, int line) {
  if (r == CUDA_SUCCESS) return;
  const char* name = "?";
  cuGetErrorName(r, &name);
  std::fprintf(stderr, "line %d: %s failed: %s\n", line, what, name);
  std::exit(1);
}
static void check_rt(cudaError_t r, const char* what, int line) {
  if (r == cudaSuccess) return;
  std::fprintf(stderr, "line %d: %s failed: %s\n", line, what, cudaGetErrorString(r));
  std::exit(1);
}
static void check_blas(cublasStatus_t r, const char* what, int line) {
  if (r == CUBLAS_STATUS_SUCCESS) return;
  std::fprintf(stderr, "line %d: %s failed: cuBLAS status %d\n", line, what, int(r));
  std::exit(1);
}

__device__ unsigned sm_id() {
  unsigned r;
  asm volatile("mov.u32 %0, %%smid;" : "=r"(r));
  return r;
}
__device__ unsigned long long now_ns() {
  unsigned long long t;
  asm volatile("mov.u64 %0, %%globaltimer;" : "=l"(t));
  return t;
}

// Each block writes the SM it ran on, then stays a while (varied per block) so that later blocks
// land on other SMs.
__global__ void record_sm(int* out, int spin_ns) {
  if (threadIdx.x != 0) return;
  out[blockIdx.x] = int(sm_id());
  const unsigned long long until = now_ns() + spin_ns * (1 + (blockIdx.x * 2654435761u) % 4);
  while (now_ns() < until) {
  }
}

// A plain streaming read, one 1024-thread block per SM, 8 16-byte loads in flight per thread.
__global__ void __launch_bounds__(1024, 1) stream_read(const uint4* __restrict__ src, long long n16, unsigned* sink) {
  const long long stride = (long long)gridDim.x * blockDim.x;
  long long i = (long long)blockIdx.x * blockDim.x + threadIdx.x;
  unsigned acc = 0;
  for (; i + 7 * stride < n16; i += 8 * stride) {
    uint4 v[8];
#pragma unroll
    for (int k = 0; k < 8; ++k) {
      asm volatile("ld.global.nc.L1::no_allocate.v4.u32 {%0,%1,%2,%3}, [%4];"
                   : "=r"(v[k].x), "=r"(v[k].y), "=r"(v[k].z), "=r"(v[k].w)
                   : "l"(src + i + k * stride));
    }
#pragma unroll
    for (int k = 0; k < 8; ++k) acc ^= v[k].x ^ v[k].y ^ v[k].z ^ v[k].w;
  }
  sink[(long long)blockIdx.x * blockDim.x + threadIdx.x] = acc;
}

// Fills with small pseudo-random bf16 values: GEMMs on zeros draw less power than on real data.
__global__ void fill_bf16(unsigned short* p, long long n, unsigned seed) {
  for (long long i = blockIdx.x * (long long)blockDim.x + threadIdx.x; i < n; i += (long long)gridDim.x * blockDim.x) {
    unsigned h = unsigned(i) * 2654435761u ^ seed;
    h ^= h >> 15;
    h *= 2246822519u;
    h ^= h >> 13;
    const float x = (float(h & 0xffff) / 65536.f - 0.5f) * 0.1f;
    p[i] = (unsigned short)(__float_as_uint(x) >> 16);
  }
}

// ---------------------------------------------------------------------------------------------
struct Partition {
  CUgreenCtx green = nullptr;
  CUstream stream = nullptr;
  int sms = 0;
  std::set<int> smids;
  cublasHandle_t blas = nullptr;
};

static CUdevice g_device;
static int g_total_sms;

static std::set<int> sms_of_stream(CUstream stream, int blocks) {
  int* d = nullptr;
  RT(cudaMalloc(&d, blocks * sizeof(int)));
  record_sm<<<blocks, 32, 0, (cudaStream_t)stream>>>(d, 2000);
  RT(cudaGetLastError());
  RT(cudaStreamSynchronize((cudaStream_t)stream));
  std::vector<int> h(blocks);
  RT(cudaMemcpy(h.data(), d, blocks * sizeof(int), cudaMemcpyDeviceToHost));
  RT(cudaFree(d));
  return std::set<int>(h.begin(), h.end());
}

static Partition make_partition(std::vector<CUdevResource> resources) {
  Partition p;
  CUdevResourceDesc desc;
  CU(cuDevResourceGenerateDesc(&desc, resources.data(), unsigned(resources.size())));
  CU(cuGreenCtxCreate(&p.green, desc, g_device, CU_GREEN_CTX_DEFAULT_STREAM));
  CU(cuGreenCtxStreamCreate(&p.stream, p.green, CU_STREAM_NON_BLOCKING, 0));
  CUdevResource granted;
  CU(cuGreenCtxGetDevResource(p.green, &granted, CU_DEV_RESOURCE_TYPE_SM));
  p.sms = int(granted.sm.smCount);
  p.smids = sms_of_stream(p.stream, 64 * g_total_sms);
  return p;
}

// As the runtime does: the handle made in the primary context, bound to the partition's stream,
// its SM target the partition's count.
static void add_blas(Partition& p) {
  BLAS(cublasCreate(&p.blas));
  BLAS(cublasSetStream(p.blas, (cudaStream_t)p.stream));
  BLAS(cublasSetSmCountTarget(p.blas, p.sms));
}

static void free_partition(Partition& p) {
  if (p.blas) cublasDestroy(p.blas);
  cuStreamDestroy(p.stream);
  cuGreenCtxDestroy(p.green);
}

static std::string list(const std::set<int>& s) {
  std::string out;
  for (int x : s) out += (out.empty() ? "" : ",") + std::to_string(x);
  return out;
}

// ---------------------------------------------------------------------------------------------
// GPCs from clusters.
static std::vector<int> parent;
static int find(int x) { return parent[x] == x ? x : parent[x] = find(parent[x]); }

static std::vector<std::set<int>> find_gpcs(int max_smid) {
  parent.resize(max_smid + 1);
  std::iota(parent.begin(), parent.end(), 0);
  RT(cudaFuncSetAttribute(record_sm, cudaFuncAttributeNonPortableClusterSizeAllowed, 1));
  // A large dynamic shared memory request keeps one block per SM, so a cluster of s blocks spans s SMs.
  const int smem = 200 * 1024;
  RT(cudaFuncSetAttribute(record_sm, cudaFuncAttributeMaxDynamicSharedMemorySize, smem));
  for (int size : {16, 14, 12, 10, 8, 6, 4, 2}) {
    const int clusters = 40 * (g_total_sms / size + 1);
    const int blocks = clusters * size;
    int* d = nullptr;
    RT(cudaMalloc(&d, blocks * sizeof(int)));
    cudaLaunchConfig_t config = {};
    config.gridDim = dim3(blocks);
    config.blockDim = dim3(32);
    config.dynamicSmemBytes = smem;
    cudaLaunchAttribute attribute;
    attribute.id = cudaLaunchAttributeClusterDimension;
    attribute.val.clusterDim.x = size;
    attribute.val.clusterDim.y = 1;
    attribute.val.clusterDim.z = 1;
    config.attrs = &attribute;
    config.numAttrs = 1;
    const cudaError_t launched = cudaLaunchKernelEx(&config, record_sm, d, 3000);
    if (launched != cudaSuccess) {
      std::printf("clusters of %d: not launched (%s)\n", size, cudaGetErrorString(launched));
      cudaGetLastError();
      RT(cudaFree(d));
      continue;
    }
    RT(cudaDeviceSynchronize());
    std::vector<int> h(blocks);
    RT(cudaMemcpy(h.data(), d, blocks * sizeof(int), cudaMemcpyDeviceToHost));
    RT(cudaFree(d));
    for (int c = 0; c < clusters; ++c)
      for (int b = 1; b < size; ++b) parent[find(h[c * size + b])] = find(h[c * size]);
  }
  std::map<int, std::set<int>> by_root;
  for (int s = 0; s <= max_smid; ++s) by_root[find(s)].insert(s);
  std::vector<std::set<int>> gpcs;
  for (auto& [root, members] : by_root) gpcs.push_back(members);
  return gpcs;
}

// ---------------------------------------------------------------------------------------------
// Timing.
struct Buffers {
  uint4* src = nullptr;
  long long n16 = 0;
  unsigned* sink = nullptr;
  unsigned short *a = nullptr, *w = nullptr, *c = nullptr;
  int m = 1024, n = 7168, k = 8192;  // the shard's gate/up GEMM on a 1024-row nano-batch
};

static void launch_read(const Buffers& b, const Partition& p) {
  stream_read<<<p.sms, 1024, 0, (cudaStream_t)p.stream>>>(b.src, b.n16, b.sink);
}
static void launch_gemm(const Buffers& b, const Partition& p) {
  const float one = 1.f, zero = 0.f;
  BLAS(cublasGemmEx(p.blas, CUBLAS_OP_T, CUBLAS_OP_N, b.n, b.m, b.k, &one, b.w, CUDA_R_16BF, b.k, b.a, CUDA_R_16BF,
                    b.k, &zero, b.c, CUDA_R_16BF, b.n, CUBLAS_COMPUTE_32F, CUBLAS_GEMM_DEFAULT));
}

// Microseconds per launch of `reps` launches of `launch` on p's stream, timed by events on it.
template <typename Launch>
static float time_on(const Partition& p, int reps, Launch launch, cudaEvent_t begin, cudaEvent_t end) {
  RT(cudaEventRecord(begin, (cudaStream_t)p.stream));
  for (int i = 0; i < reps; ++i) launch();
  RT(cudaEventRecord(end, (cudaStream_t)p.stream));
  RT(cudaEventSynchronize(end));
  float ms = 0;
  RT(cudaEventElapsedTime(&ms, begin, end));
  return ms * 1000.f / reps;
}

static float median(std::vector<float> v) {
  std::sort(v.begin(), v.end());
  return v[v.size() / 2];
}

struct Timings {
  float read_us, gemm_us, read_beside_us, gemm_beside_us;
};

// Each figure is the median of 5 timings. "beside": the partner is launched first, long enough to
// cover the timed launches, and the device is idle between measurements.
static Timings time_pair(const Buffers& b, const Partition& memory, const Partition& compute) {
  cudaEvent_t e0, e1;
  RT(cudaEventCreate(&e0));
  RT(cudaEventCreate(&e1));
  auto read = [&] { launch_read(b, memory); };
  auto gemm = [&] { launch_gemm(b, compute); };
  Timings t{};
  for (int i = 0; i < 2; ++i) {  // warm-up
    read();
    gemm();
  }
  RT(cudaDeviceSynchronize());
  std::vector<float> r, g, rb, gb;
  for (int i = 0; i < 5; ++i) {
    r.push_back(time_on(memory, 4, read, e0, e1));
    g.push_back(time_on(compute, 20, gemm, e0, e1));
    RT(cudaDeviceSynchronize());
  }
  t.read_us = median(r);
  t.gemm_us = median(g);
  const int read_cover = int(3 * 20 * t.gemm_us / t.read_us) + 2;
  const int gemm_cover = int(3 * 4 * t.read_us / t.gemm_us) + 2;
  for (int i = 0; i < 5; ++i) {
    for (int j = 0; j < read_cover; ++j) read();
    gb.push_back(time_on(compute, 20, gemm, e0, e1));
    RT(cudaDeviceSynchronize());
    for (int j = 0; j < gemm_cover; ++j) gemm();
    rb.push_back(time_on(memory, 4, read, e0, e1));
    RT(cudaDeviceSynchronize());
  }
  t.read_beside_us = median(rb);
  t.gemm_beside_us = median(gb);
  RT(cudaEventDestroy(e0));
  RT(cudaEventDestroy(e1));
  return t;
}

// ---------------------------------------------------------------------------------------------
int main(int argc, char** argv) {
  CU(cuInit(0));
  CU(cuDeviceGet(&g_device, 0));
  RT(cudaSetDevice(0));
  RT(cudaFree(nullptr));  // makes the primary context current
  cudaDeviceProp prop;
  RT(cudaGetDeviceProperties(&prop, 0));
  g_total_sms = prop.multiProcessorCount;
  std::printf("device: %s, %d SMs\n", prop.name, g_total_sms);

  const std::set<int> all_sms = sms_of_stream(nullptr, 64 * g_total_sms);
  const int max_smid = *all_sms.rbegin();
  std::printf("smids on the whole device: %zu distinct, %d..%d\n", all_sms.size(), *all_sms.begin(), max_smid);

  const std::vector<std::set<int>> gpcs = find_gpcs(max_smid);
  std::map<int, int> gpc_of;
  std::printf("GPCs (%zu):\n", gpcs.size());
  for (size_t g = 0; g < gpcs.size(); ++g) {
    std::printf("  gpc %zu: %zu SMs: %s\n", g, gpcs[g].size(), list(gpcs[g]).c_str());
    for (int s : gpcs[g]) gpc_of[s] = int(g);
  }
  auto gpc_counts = [&](const std::set<int>& sms) {
    std::map<int, int> n;
    for (int s : sms) ++n[gpc_of[s]];
    std::string out;
    for (auto& [g, c] : n) out += (out.empty() ? "" : " ") + std::to_string(g) + ":" + std::to_string(c);
    return out;
  };

  // The full split into 8-SM groups, as the runtime's unit.
  CUdevResource whole;
  CU(cuDeviceGetDevResource(g_device, &whole, CU_DEV_RESOURCE_TYPE_SM));
  unsigned count = 0;
  CU(cuDevSmResourceSplitByCount(nullptr, &count, &whole, nullptr, 0, 8));
  std::vector<CUdevResource> groups(count);
  CUdevResource rest;
  CU(cuDevSmResourceSplitByCount(groups.data(), &count, &whole, &rest, 0, 8));
  groups.resize(count);
  std::printf("split by 8: %u groups, remainder %u SMs\n", count, rest.sm.smCount);
  std::vector<std::set<int>> group_sms;
  std::vector<int> group_gpc;
  for (unsigned i = 0; i < count; ++i) {
    Partition p = make_partition({groups[i]});
    group_sms.push_back(p.smids);
    std::map<int, int> n;
    for (int s : p.smids) ++n[gpc_of[s]];
    group_gpc.push_back(std::max_element(n.begin(), n.end(), [](auto& x, auto& y) { return x.second < y.second; })->first);
    std::printf("  group %2u: %d SMs, gpc %s: %s\n", i, p.sms, gpc_counts(p.smids).c_str(), list(p.smids).c_str());
    free_partition(p);
  }
  {
    Partition p = make_partition({rest});
    std::printf("  remainder: %d SMs, gpc %s: %s\n", p.sms, gpc_counts(p.smids).c_str(), list(p.smids).c_str());
    free_partition(p);
  }

  // Do groups of 16 (a maximal cluster) each lie in one GPC? With and without asking for them.
  for (unsigned flags : {0u, unsigned(CU_DEV_SM_RESOURCE_SPLIT_MAX_POTENTIAL_CLUSTER_SIZE)}) {
    unsigned n16 = 0;
    if (cuDevSmResourceSplitByCount(nullptr, &n16, &whole, nullptr, flags, 16) != CUDA_SUCCESS) {
      std::printf("split by 16, flags %u: refused\n", flags);
      continue;
    }
    std::vector<CUdevResource> big(n16);
    CUdevResource big_rest;
    CU(cuDevSmResourceSplitByCount(big.data(), &n16, &whole, &big_rest, flags, 16));
    std::printf("split by 16, flags %u: %u groups, remainder %u SMs\n", flags, n16, big_rest.sm.smCount);
    for (unsigned i = 0; i < n16; ++i) {
      Partition p = make_partition({big[i]});
      std::printf("  group %2u: %d SMs, gpc %s\n", i, p.sms, gpc_counts(p.smids).c_str());
      free_partition(p);
    }
  }

  Buffers b;
  const size_t read_bytes = size_t(2) << 30;
  b.n16 = (long long)(read_bytes / 16);
  RT(cudaMalloc(&b.src, read_bytes));
  RT(cudaMemset(b.src, 1, read_bytes));
  RT(cudaMalloc(&b.sink, size_t(g_total_sms) * 1024 * 4));
  RT(cudaMalloc(&b.a, size_t(b.m) * b.k * 2));
  RT(cudaMalloc(&b.w, size_t(b.n) * b.k * 2));
  RT(cudaMalloc(&b.c, size_t(b.m) * b.n * 2));
  fill_bf16<<<1024, 256>>>(b.a, (long long)b.m * b.k, 1);
  fill_bf16<<<1024, 256>>>(b.w, (long long)b.n * b.k, 2);
  RT(cudaDeviceSynchronize());

  if (argc > 1 && std::string(argv[1]) == "tpc") {
    // Memory partitions of 2-SM units (a split ignoring coscheduling) spread over the GPCs, compute
    // the other units: do fewer SMs read as fast when no GPC holds more than a few of them, and
    // what does a GEMM on a compute partition that cannot host clusters cost?
    const auto row = [&](const char* name, Partition& memory, Partition& compute, const std::string& what) {
      add_blas(compute);
      const Timings t = time_pair(b, memory, compute);
      std::printf("%-10s %3d %3d %7.1f %9.2f %9.1f %9.1f %9.1f %7.3f %7.3f  %s | %s\n", name, memory.sms, compute.sms,
                  t.read_us, read_bytes / t.read_us / 1e6, t.read_beside_us, t.gemm_us, t.gemm_beside_us,
                  t.gemm_beside_us / t.gemm_us, t.read_beside_us / t.read_us, gpc_counts(memory.smids).c_str(), what.c_str());
      free_partition(compute);
      free_partition(memory);
    };
    std::printf("\nread: %zu MB; GEMM %dx%dx%d bf16\n", read_bytes >> 20, b.m, b.n, b.k);
    std::printf("%-10s %3s %3s %7s %9s %9s %9s %9s %7s %7s  %s\n", "choice", "mem", "cmp", "read us", "read TB/s",
                "beside", "gemm us", "beside", "gemm x", "read x", "memory GPCs");
    for (int m = 0; m <= 1; ++m) {  // as the runtime ranks: the leftover SMs, then with group 1
      std::vector<CUdevResource> mem_res = {rest}, cmp_res;
      for (unsigned i = 0; i < count; ++i) (m == 1 && i == 1 ? mem_res : cmp_res).push_back(groups[i]);
      Partition compute = make_partition(cmp_res);
      Partition memory = make_partition(mem_res);
      row("ranked", memory, compute, m == 1 ? "leftover + group 1" : "leftover");
    }
    const unsigned flags = CU_DEV_SM_RESOURCE_SPLIT_IGNORE_SM_COSCHEDULING;
    unsigned n2 = 0;
    CU(cuDevSmResourceSplitByCount(nullptr, &n2, &whole, nullptr, flags, 2));
    std::vector<CUdevResource> units(n2);
    CUdevResource unit_rest;
    CU(cuDevSmResourceSplitByCount(units.data(), &n2, &whole, &unit_rest, flags, 2));
    units.resize(n2);
    std::map<int, std::vector<int>> by_gpc;
    for (unsigned i = 0; i < n2; ++i) {
      Partition p = make_partition({units[i]});
      by_gpc[gpc_of[*p.smids.begin()]].push_back(int(i));
      free_partition(p);
    }
    std::printf("split by 2 ignoring coscheduling: %u units of %u SMs, remainder %u; units per cluster-map GPC:", n2,
                units.empty() ? 0 : units[0].sm.smCount, unit_rest.sm.smCount);
    for (auto& [g, l] : by_gpc) std::printf(" %d:%zu", g, l.size());
    std::printf("\n");
    std::vector<std::vector<int>> lists;
    for (auto& [g, l] : by_gpc) lists.push_back(l);
    std::stable_sort(lists.begin(), lists.end(), [](auto& x, auto& y) { return x.size() > y.size(); });
    for (int sms : {12, 16, 20, 24}) {
      std::vector<int> chosen;  // round-robin over the GPCs, the largest first
      for (size_t round = 0; int(chosen.size()) * 2 < sms; ++round)
        for (auto& l : lists)
          if (round < l.size() && int(chosen.size()) * 2 < sms) chosen.push_back(l[round]);
      std::vector<CUdevResource> mem_res, cmp_res;
      for (unsigned i = 0; i < n2; ++i)
        (std::find(chosen.begin(), chosen.end(), int(i)) != chosen.end() ? mem_res : cmp_res).push_back(units[i]);
      if (unit_rest.sm.smCount > 0) cmp_res.push_back(unit_rest);
      Partition compute = make_partition(cmp_res);
      Partition memory = make_partition(mem_res);
      // cuBLAS's GEMM failed to launch on such a compute partition (status 13, execution failed:
      // its kernels use clusters), so the read is timed alone.
      cudaEvent_t e0, e1;
      RT(cudaEventCreate(&e0));
      RT(cudaEventCreate(&e1));
      std::vector<float> r;
      launch_read(b, memory);
      for (int i = 0; i < 5; ++i) r.push_back(time_on(memory, 4, [&] { launch_read(b, memory); }, e0, e1));
      const float read_us = median(r);
      std::printf("%-10s %3d %3d %7.1f %9.2f  %s | 2-SM units round-robin over GPCs\n", "tpc-spread", memory.sms, compute.sms,
                  read_us, read_bytes / read_us / 1e6, gpc_counts(memory.smids).c_str());
      RT(cudaEventDestroy(e0));
      RT(cudaEventDestroy(e1));
      free_partition(compute);
      free_partition(memory);
    }
    return 0;
  }

  std::printf("\nmemory = groups + the remainder; compute = the other groups. read: %zu MB; GEMM %dx%dx%d bf16\n",
              read_bytes >> 20, b.m, b.n, b.k);
  std::printf("%-8s %3s %3s %7s %9s %9s %9s %9s %7s %7s  %s | %s\n", "choice", "mem", "cmp", "read us", "read TB/s",
              "beside", "gemm us", "beside", "gemm x", "read x", "memory GPCs", "memory groups");
  std::map<int, int> rest_per_gpc;
  {
    Partition p = make_partition({rest});
    for (int s : p.smids) ++rest_per_gpc[gpc_of[s]];
    free_partition(p);
  }
  for (int m = 0; m <= 5; ++m) {
    std::map<std::string, std::vector<int>> choices;
    // balanced: each next group from the GPC with the fewest memory SMs so far (the remainder's
    // counted), ties to the GPC with the most groups left.
    {
      std::map<int, int> have = rest_per_gpc;
      std::vector<int> balanced;
      std::vector<bool> taken(count, false);
      while (balanced.size() < size_t(m)) {
        int best = -1;
        for (unsigned i = 0; i < count; ++i) {
          if (taken[i]) continue;
          if (best < 0 || have[group_gpc[i]] < have[group_gpc[best]]) best = int(i);
        }
        taken[best] = true;
        have[group_gpc[best]] += 8;
        balanced.push_back(best);
      }
      choices["balanced"] = balanced;
    }
    // spread: one group from each GPC, the GPCs holding the most groups first.
    {
      std::map<int, std::vector<int>> by_gpc;
      for (unsigned i = 0; i < count; ++i) by_gpc[group_gpc[i]].push_back(int(i));
      std::vector<std::vector<int>> lists;
      for (auto& [g, l] : by_gpc) lists.push_back(l);
      std::stable_sort(lists.begin(), lists.end(), [](auto& x, auto& y) { return x.size() > y.size(); });
      std::vector<int> spread, packed;
      for (size_t round = 0; spread.size() < size_t(m); ++round)
        for (auto& l : lists)
          if (round < l.size() && spread.size() < size_t(m)) spread.push_back(l[round]);
      for (auto& l : lists)
        for (int i : l)
          if (packed.size() < size_t(m)) packed.push_back(i);
      choices["spread"] = spread;
      choices["packed"] = packed;
    }
    if (m == 0) choices.clear();  // memory is the remainder alone, as the runtime's
    // runtime: compute takes the first count - m groups of a split into count - m groups.
    {
      unsigned k = count - m;
      std::vector<CUdevResource> cg(k);
      CUdevResource mem_rest;
      CU(cuDevSmResourceSplitByCount(cg.data(), &k, &whole, &mem_rest, 0, 8));
      Partition compute = make_partition(cg);
      Partition memory = make_partition({mem_rest});
      add_blas(compute);
      Timings t = time_pair(b, memory, compute);
      std::printf("%-8s %3d %3d %7.1f %9.2f %9.1f %9.1f %9.1f %7.3f %7.3f  %s | smids %s\n", "runtime", memory.sms,
                  compute.sms, t.read_us, read_bytes / t.read_us / 1e6, t.read_beside_us, t.gemm_us, t.gemm_beside_us,
                  t.gemm_beside_us / t.gemm_us, t.read_beside_us / t.read_us, gpc_counts(memory.smids).c_str(),
                  list(memory.smids).c_str());
      free_partition(compute);
      free_partition(memory);
    }
    for (auto& [name, chosen] : choices) {
      std::vector<CUdevResource> mem_res = {rest}, cmp_res;
      std::string names;
      for (unsigned i = 0; i < count; ++i) {
        if (std::find(chosen.begin(), chosen.end(), int(i)) != chosen.end()) {
          mem_res.push_back(groups[i]);
          names += (names.empty() ? "" : ",") + std::to_string(i);
        } else {
          cmp_res.push_back(groups[i]);
        }
      }
      Partition compute = make_partition(cmp_res);
      Partition memory = make_partition(mem_res);
      add_blas(compute);
      Timings t = time_pair(b, memory, compute);
      std::printf("%-8s %3d %3d %7.1f %9.2f %9.1f %9.1f %9.1f %7.3f %7.3f  %s | groups %s\n", name.c_str(), memory.sms,
                  compute.sms, t.read_us, read_bytes / t.read_us / 1e6, t.read_beside_us, t.gemm_us, t.gemm_beside_us,
                  t.gemm_beside_us / t.gemm_us, t.read_beside_us / t.read_us, gpc_counts(memory.smids).c_str(),
                  names.c_str());
      free_partition(compute);
      free_partition(memory);
    }
  }
  return 0;
}
