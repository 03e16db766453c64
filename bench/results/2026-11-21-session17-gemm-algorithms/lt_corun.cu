// Scratch experiment (session 17): does the cuBLASLt algorithm matter for a GEMM's slowdown beside
// a memory-bound partner? For each layer GEMM of the Llama-2-70B TP8 shard at TOKENS tokens:
// every algorithm cuBLASLt's heuristic offers, timed alone on a COMPUTE-SM green context, beside a
// streaming-read hog on the remaining SMs, and alone on the whole GPU; plus cublasGemmEx's default.
// Build: nvcc -O2 -arch=sm_90 lt_corun.cu -lcublasLt -lcublas -lcuda -o lt_corun
#include <cublasLt.h>
#include <cublas_v2.h>
#include <cuda.h>
#include <cuda_runtime.h>

#include <algorithm>
#include <chrono>
#include <thread>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <vector>

#define CK(x)                                                                                    \
  do {                                                                                           \
    auto _s = (x);                                                                               \
    if ((int)_s != 0) {                                                                          \
      fprintf(stderr, "%s:%d %s -> %d\n", __FILE__, __LINE__, #x, (int)_s);                      \
      exit(1);                                                                                   \
    }                                                                                            \
  } while (0)

__device__ __forceinline__ unsigned long long evict_first() {
  unsigned long long p;
  asm("createpolicy.fractional.L2::evict_first.b64 %0, 1.0;" : "=l"(p));
  return p;
}

// Reads `src` (n16 16-byte words) over and over until *stop != 0; block 0 stamps each pass's end.
__global__ void __launch_bounds__(1024, 1)
    hog(const uint4* __restrict__ src, long long n16, volatile int* stop, unsigned long long* stamps,
        int max_stamps, unsigned* sink) {
  const long long stride = (long long)gridDim.x * blockDim.x;
  const unsigned long long policy = evict_first();
  unsigned acc = 0;
  for (int pass = 0;; ++pass) {
    for (long long i = (long long)blockIdx.x * blockDim.x + threadIdx.x; i + 7 * stride < n16; i += 8 * stride) {
      uint4 v[8];
#pragma unroll
      for (int k = 0; k < 8; ++k)
        asm volatile("ld.global.nc.L1::no_allocate.L2::cache_hint.v4.u32 {%0,%1,%2,%3}, [%4], %5;"
                     : "=r"(v[k].x), "=r"(v[k].y), "=r"(v[k].z), "=r"(v[k].w)
                     : "l"(src + i + k * stride), "l"(policy));
#pragma unroll
      for (int k = 0; k < 8; ++k) acc ^= v[k].x ^ v[k].y ^ v[k].z ^ v[k].w;
    }
    __syncthreads();
    if (blockIdx.x == 0 && threadIdx.x == 0 && pass < max_stamps) {
      unsigned long long t;
      asm volatile("mov.u64 %0, %%globaltimer;" : "=l"(t));
      stamps[pass] = t;
    }
    __shared__ int done;
    if (threadIdx.x == 0) done = *stop;
    __syncthreads();
    if (done) break;
  }
  sink[blockIdx.x * blockDim.x + threadIdx.x] = acc;
}

struct Shape {
  const char* name;
  int n, k;  // row-major Y[tokens, n] = X[tokens, k] · W[n, k]^T
};

struct Partition {
  CUgreenCtx ctx = nullptr;
  CUstream stream = nullptr;
  int sms = 0;
};

static Partition make_partition(CUdevResource* groups, unsigned count) {
  Partition p;
  CUdevResourceDesc desc;
  CK(cuDevResourceGenerateDesc(&desc, groups, count));
  CK(cuGreenCtxCreate(&p.ctx, desc, 0, CU_GREEN_CTX_DEFAULT_STREAM));
  CUdevResource got;
  CK(cuGreenCtxGetDevResource(p.ctx, &got, CU_DEV_RESOURCE_TYPE_SM));
  p.sms = got.sm.smCount;
  CK(cuGreenCtxStreamCreate(&p.stream, p.ctx, CU_STREAM_NON_BLOCKING, 0));
  return p;
}

static int attr_u32(const cublasLtMatmulAlgo_t& a, cublasLtMatmulAlgoConfigAttributes_t what) {
  uint32_t v = 0;
  size_t written = 0;
  if (cublasLtMatmulAlgoConfigGetAttribute(&a, what, &v, sizeof(v), &written) != CUBLAS_STATUS_SUCCESS) return -1;
  return (int)v;
}

int main(int argc, char** argv) {
  const int tokens = argc > 1 ? atoi(argv[1]) : 1024;
  const int compute_sms = argc > 2 ? atoi(argv[2]) : 112;
  const bool sweep_mode = argc > 3 && std::string(argv[3]) == "sweep";
  const int reps = sweep_mode ? 20 : 60;
  const int repeats = sweep_mode ? 1 : 3;
  CK(cudaSetDevice(0));
  CK(cudaFree(0));
  CK(cuInit(0));
  cudaDeviceProp prop;
  CK(cudaGetDeviceProperties(&prop, 0));
  printf("gpu %s sms %d tokens %d compute_sms %d cublasLt %zu\n", prop.name, prop.multiProcessorCount, tokens,
         compute_sms, cublasLtGetVersion());

  // One split into groups of 8: compute takes compute_sms/8 of them, the partner the rest.
  CUdevResource all;
  CK(cuDeviceGetDevResource(0, &all, CU_DEV_RESOURCE_TYPE_SM));
  const unsigned want = compute_sms / 8;
  std::vector<CUdevResource> groups(want);
  unsigned got = want;
  CUdevResource rest;
  CK(cuDevSmResourceSplitByCount(groups.data(), &got, &all, &rest, 0, 8));
  Partition compute = make_partition(groups.data(), got);
  Partition partner = make_partition(&rest, 1);
  printf("partitions: compute %d SMs, partner %d SMs\n", compute.sms, partner.sms);
  cudaStream_t whole;
  CK(cudaStreamCreateWithFlags(&whole, cudaStreamNonBlocking));

  // Hog buffers.
  const long long hog_bytes = 256ll << 20;
  uint4* hog_src;
  CK(cudaMalloc(&hog_src, hog_bytes));
  CK(cudaMemset(hog_src, 1, hog_bytes));
  int* stop;
  CK(cudaMalloc(&stop, sizeof(int)));
  const int max_stamps = 1 << 16;
  unsigned long long* stamps;
  CK(cudaMalloc(&stamps, max_stamps * sizeof(unsigned long long)));
  unsigned* sink;
  CK(cudaMalloc(&sink, 1024 * 132 * sizeof(unsigned)));

  cublasLtHandle_t lt;
  CK(cublasLtCreate(&lt));
  cublasHandle_t blas;
  CK(cublasCreate(&blas));
  const size_t ws_bytes = 64 << 20;
  void* ws;
  CK(cudaMalloc(&ws, ws_bytes));
  CK(cublasSetWorkspace(blas, ws, ws_bytes));

  cudaEvent_t e0, e1;
  CK(cudaEventCreate(&e0));
  CK(cudaEventCreate(&e1));

  const Shape shapes[] = {{"qkv", 1280, 8192}, {"o", 8192, 1024}, {"gate_up", 7168, 8192}, {"down", 8192, 3584}};
  for (const Shape& s : shapes) {
    if (argc > 4 && ("," + std::string(argv[4]) + ",").find("," + std::string(s.name) + ",") == std::string::npos) continue;
    const size_t w_bytes = (size_t)s.n * s.k * 2;
    const int copies = (int)std::max<size_t>(2, ((size_t)320 << 20) / w_bytes + 1);
    std::vector<void*> w(copies);
    for (auto& p : w) {
      CK(cudaMalloc(&p, w_bytes));
      CK(cudaMemset(p, 0x3c, w_bytes));
    }
    void *x, *y;
    CK(cudaMalloc(&x, (size_t)tokens * s.k * 2));
    CK(cudaMemset(x, 0x3c, (size_t)tokens * s.k * 2));
    CK(cudaMalloc(&y, (size_t)tokens * s.n * 2));

    // Column-major: Y^T[n, tokens] = W^T... as cuBLAS sees it: A = W stored k x n (op T), B = X^T stored k x tokens.
    cublasLtMatmulDesc_t desc;
    CK(cublasLtMatmulDescCreate(&desc, CUBLAS_COMPUTE_32F, CUDA_R_32F));
    const cublasOperation_t opT = CUBLAS_OP_T, opN = CUBLAS_OP_N;
    CK(cublasLtMatmulDescSetAttribute(desc, CUBLASLT_MATMUL_DESC_TRANSA, &opT, sizeof(opT)));
    CK(cublasLtMatmulDescSetAttribute(desc, CUBLASLT_MATMUL_DESC_TRANSB, &opN, sizeof(opN)));
    cublasLtMatrixLayout_t la, lb, lc;
    CK(cublasLtMatrixLayoutCreate(&la, CUDA_R_16BF, s.k, s.n, s.k));
    CK(cublasLtMatrixLayoutCreate(&lb, CUDA_R_16BF, s.k, tokens, s.k));
    CK(cublasLtMatrixLayoutCreate(&lc, CUDA_R_16BF, s.n, tokens, s.n));
    cublasLtMatmulPreference_t pref;
    CK(cublasLtMatmulPreferenceCreate(&pref));
    CK(cublasLtMatmulPreferenceSetAttribute(pref, CUBLASLT_MATMUL_PREF_MAX_WORKSPACE_BYTES, &ws_bytes, sizeof(ws_bytes)));
    const float alpha = 1.f, beta = 0.f;

    // A candidate: an algorithm (or cublasGemmEx's default when algo == nullptr) at an SM target.
    auto launch = [&](const cublasLtMatmulAlgo_t* algo, int target, cudaStream_t stream, int rep) {
      void* wp = w[rep % copies];
      if (!algo) {
        CK(cublasSetStream(blas, stream));
        CK(cublasSetSmCountTarget(blas, target));
        CK(cublasGemmEx(blas, CUBLAS_OP_T, CUBLAS_OP_N, s.n, tokens, s.k, &alpha, wp, CUDA_R_16BF, s.k, x,
                        CUDA_R_16BF, s.k, &beta, y, CUDA_R_16BF, s.n, CUBLAS_COMPUTE_32F, CUBLAS_GEMM_DEFAULT));
      } else {
        CK(cublasLtMatmulDescSetAttribute(desc, CUBLASLT_MATMUL_DESC_SM_COUNT_TARGET, &target, sizeof(target)));
        CK(cublasLtMatmul(lt, desc, &alpha, wp, la, x, lb, &beta, y, lc, y, lc, algo, ws, ws_bytes, stream));
      }
    };
    // Mean us per GEMM over `reps`, median of `repeats`; with_hog: the hog reads on the partner meanwhile.
    auto time = [&](const cublasLtMatmulAlgo_t* algo, int target, cudaStream_t stream, bool with_hog, double* hog_tbs) {
      std::vector<double> us, rates;
      for (int r = 0; r < repeats; ++r) {
        for (int i = 0; i < 3; ++i) launch(algo, target, stream, i);
        if (with_hog) {
          CK(cudaMemsetAsync(stop, 0, sizeof(int), (cudaStream_t)partner.stream));
          CK(cudaMemsetAsync(stamps, 0, 4096 * sizeof(unsigned long long), (cudaStream_t)partner.stream));
          hog<<<partner.sms, 1024, 0, (cudaStream_t)partner.stream>>>(hog_src, hog_bytes / 16, stop, stamps, 4096, sink);
          CK(cudaGetLastError());
        }
        CK(cudaEventRecord(e0, stream));
        for (int i = 0; i < reps; ++i) launch(algo, target, stream, i);
        CK(cudaEventRecord(e1, stream));
        if (with_hog) CK(cuStreamWriteValue32((CUstream)stream, (CUdeviceptr)stop, 1, 0));
        CK(cudaStreamSynchronize(stream));
        if (with_hog) CK(cudaStreamSynchronize((cudaStream_t)partner.stream));
        float ms;
        CK(cudaEventElapsedTime(&ms, e0, e1));
        us.push_back(ms * 1000.0 / reps);
        if (with_hog) {
          std::vector<unsigned long long> t(4096);
          CK(cudaMemcpy(t.data(), stamps, t.size() * 8, cudaMemcpyDeviceToHost));
          std::vector<double> d;
          for (size_t i = 2; i < t.size() && t[i] != 0; ++i) d.push_back((t[i] - t[i - 1]) * 1e-9);
          std::sort(d.begin(), d.end());
          rates.push_back(d.empty() ? 0 : (double)hog_bytes / d[d.size() / 2] / 1e12);
        }
      }
      std::sort(us.begin(), us.end());
      std::sort(rates.begin(), rates.end());
      if (hog_tbs) *hog_tbs = rates.empty() ? 0 : rates[rates.size() / 2];
      return us[us.size() / 2];
    };

    if (sweep_mode) {
      // Every algorithm cuBLASLt has for these types, over its tiles, CTA swizzling and cluster
      // shapes (stages as the heuristic picks them), screened alone and beside the hog.
      int target = compute.sms;
      CK(cublasLtMatmulDescSetAttribute(desc, CUBLASLT_MATMUL_DESC_SM_COUNT_TARGET, &target, sizeof(target)));
      std::vector<int> ids(128);
      int nids = 0;
      CK(cublasLtMatmulAlgoGetIds(lt, CUBLAS_COMPUTE_32F, CUDA_R_32F, CUDA_R_16BF, CUDA_R_16BF, CUDA_R_16BF, CUDA_R_16BF,
                                  (int)ids.size(), ids.data(), &nids));
      struct Row { int id, tile, stages, swz, cluster; double alone, beside, tbs; };
      std::vector<Row> rows;
      const double dflt_alone = time(nullptr, compute.sms, (cudaStream_t)compute.stream, false, nullptr);
      double dflt_tbs = 0;
      const double dflt_beside = time(nullptr, compute.sms, (cudaStream_t)compute.stream, true, &dflt_tbs);
      int checked = 0;
      for (int i = 0; i < nids; ++i) {
        cublasLtMatmulAlgo_t algo;
        if (cublasLtMatmulAlgoInit(lt, CUBLAS_COMPUTE_32F, CUDA_R_32F, CUDA_R_16BF, CUDA_R_16BF, CUDA_R_16BF, CUDA_R_16BF, ids[i], &algo) != CUBLAS_STATUS_SUCCESS) continue;
        size_t sz = 0;
        cublasLtMatmulAlgoCapGetAttribute(&algo, CUBLASLT_ALGO_CAP_TILE_IDS, nullptr, 0, &sz);
        std::vector<uint32_t> tiles(std::max<size_t>(1, sz / 4), 0);
        if (sz) cublasLtMatmulAlgoCapGetAttribute(&algo, CUBLASLT_ALGO_CAP_TILE_IDS, tiles.data(), sz, &sz);
        cublasLtMatmulAlgoCapGetAttribute(&algo, CUBLASLT_ALGO_CAP_STAGES_IDS, nullptr, 0, &sz);
        std::vector<uint32_t> stages(std::max<size_t>(1, sz / 4), 0);
        if (sz) cublasLtMatmulAlgoCapGetAttribute(&algo, CUBLASLT_ALGO_CAP_STAGES_IDS, stages.data(), sz, &sz);
        uint32_t swz_support = 0;
        cublasLtMatmulAlgoCapGetAttribute(&algo, CUBLASLT_ALGO_CAP_CTA_SWIZZLING_SUPPORT, &swz_support, 4, &sz);
        printf("algo id %d: %zu tiles, %zu stages, swizzle %u\n", ids[i], tiles.size(), stages.size(), swz_support);
        for (uint32_t tile : tiles)
          for (uint32_t st : stages)
            for (uint32_t swz = 0; swz <= (swz_support ? 1u : 0u); ++swz)
              for (uint16_t cl : {0, 2, 3, 5, 6, 4, 8}) {
                cublasLtMatmulAlgo_t a = algo;
                cublasLtMatmulAlgoConfigSetAttribute(&a, CUBLASLT_ALGO_CONFIG_TILE_ID, &tile, 4);
                cublasLtMatmulAlgoConfigSetAttribute(&a, CUBLASLT_ALGO_CONFIG_STAGES_ID, &st, 4);
                cublasLtMatmulAlgoConfigSetAttribute(&a, CUBLASLT_ALGO_CONFIG_CTA_SWIZZLING, &swz, 4);
                if (cublasLtMatmulAlgoConfigSetAttribute(&a, CUBLASLT_ALGO_CONFIG_CLUSTER_SHAPE_ID, &cl, sizeof(cl)) != CUBLAS_STATUS_SUCCESS && cl != 0) continue;
                cublasLtMatmulHeuristicResult_t check;
                if (cublasLtMatmulAlgoCheck(lt, desc, la, lb, lc, lc, &a, &check) != CUBLAS_STATUS_SUCCESS) continue;
                if (check.workspaceSize > ws_bytes) continue;
                if (++checked > 1500) continue;
                const double alone = time(&a, compute.sms, (cudaStream_t)compute.stream, false, nullptr);
                if (alone > 1.5 * dflt_alone) continue;
                double tbs = 0;
                const double beside = time(&a, compute.sms, (cudaStream_t)compute.stream, true, &tbs);
                rows.push_back({ids[i], (int)tile, (int)st, (int)swz, (int)cl, alone, beside, tbs});
              }
      }
      std::sort(rows.begin(), rows.end(), [](const Row& x, const Row& y) { return x.beside < y.beside; });
      printf("\n%s tokens %d on %d SMs: %d valid configs, %zu within 1.5x of the default alone\n", s.name, tokens,
             compute.sms, checked, rows.size());
      printf("default cublasGemmEx: alone %.1f us, beside hog %.1f us (x%.3f), hog %.2f TB/s\n", dflt_alone, dflt_beside,
             dflt_beside / dflt_alone, dflt_tbs);
      printf("%4s %5s %6s %4s %7s | %8s %8s %6s %6s\n", "id", "tile", "stages", "swz", "cluster", "alone", "beside", "x", "hogTBs");
      for (size_t r = 0; r < rows.size() && r < 25; ++r)
        printf("%4d %5d %6d %4d %7d | %8.1f %8.1f %6.3f %6.2f\n", rows[r].id, rows[r].tile, rows[r].stages, rows[r].swz,
               rows[r].cluster, rows[r].alone, rows[r].beside, rows[r].beside / rows[r].alone, rows[r].tbs);
      fflush(stdout);
    } else {
    std::vector<cublasLtMatmulHeuristicResult_t> found(32);
    int returned = 0;
    int target = compute.sms;
    CK(cublasLtMatmulDescSetAttribute(desc, CUBLASLT_MATMUL_DESC_SM_COUNT_TARGET, &target, sizeof(target)));
    CK(cublasLtMatmulAlgoGetHeuristic(lt, desc, la, lb, lc, lc, pref, (int)found.size(), found.data(), &returned));
    const double gflop = 2.0 * tokens * s.n * s.k / 1e9;
    printf("\n%s n=%d k=%d tokens=%d (%.1f GFLOP, W %.1f MB, %d copies): %d heuristic algos\n", s.name, s.n, s.k,
           tokens, gflop, w_bytes / 1e6, copies, returned);
    printf("%-4s %4s %5s %6s %6s %7s %7s | %9s %9s %6s %7s | %9s\n", "#", "algo", "tile", "stages", "splitK",
           "swizzle", "cluster", "alone_us", "hog_us", "factor", "hog_TBs", "whole_us");
    double hog_alone_tbs = 0;
    {
      // The hog alone, for reference: its rate while nothing else runs.
      CK(cudaMemsetAsync(stop, 0, sizeof(int), (cudaStream_t)partner.stream));
      CK(cudaMemsetAsync(stamps, 0, 4096 * 8, (cudaStream_t)partner.stream));
      hog<<<partner.sms, 1024, 0, (cudaStream_t)partner.stream>>>(hog_src, hog_bytes / 16, stop, stamps, 4096, sink);
      CK(cudaStreamSynchronize(whole));
      std::this_thread::sleep_for(std::chrono::milliseconds(20));
      int one = 1;
      CK(cudaMemcpy(stop, &one, sizeof(int), cudaMemcpyHostToDevice));
      CK(cudaStreamSynchronize((cudaStream_t)partner.stream));
      std::vector<unsigned long long> t(4096);
      CK(cudaMemcpy(t.data(), stamps, t.size() * 8, cudaMemcpyDeviceToHost));
      std::vector<double> d;
      for (size_t i = 2; i < t.size() && t[i] != 0; ++i) d.push_back((t[i] - t[i - 1]) * 1e-9);
      std::sort(d.begin(), d.end());
      hog_alone_tbs = d.empty() ? 0 : (double)hog_bytes / d[d.size() / 2] / 1e12;
    }
    printf("hog alone on %d SMs: %.2f TB/s\n", partner.sms, hog_alone_tbs);
    for (int a = -1; a < returned; ++a) {
      const cublasLtMatmulAlgo_t* algo = a < 0 ? nullptr : &found[a].algo;
      double hog_tbs = 0;
      const double alone = time(algo, compute.sms, (cudaStream_t)compute.stream, false, nullptr);
      const double beside = time(algo, compute.sms, (cudaStream_t)compute.stream, true, &hog_tbs);
      const double whole_us = time(algo, prop.multiProcessorCount, whole, false, nullptr);
      if (a < 0) {
        printf("%-4s %4s %5s %6s %6s %7s %7s | %9.1f %9.1f %6.3f %7.2f | %9.1f\n", "ex", "dflt", "-", "-", "-", "-", "-",
               alone, beside, beside / alone, hog_tbs, whole_us);
      } else {
        printf("%-4d %4d %5d %6d %6d %7d %7d | %9.1f %9.1f %6.3f %7.2f | %9.1f\n", a, attr_u32(*algo, CUBLASLT_ALGO_CONFIG_ID),
               attr_u32(*algo, CUBLASLT_ALGO_CONFIG_TILE_ID), attr_u32(*algo, CUBLASLT_ALGO_CONFIG_STAGES_ID),
               attr_u32(*algo, CUBLASLT_ALGO_CONFIG_SPLITK_NUM), attr_u32(*algo, CUBLASLT_ALGO_CONFIG_CTA_SWIZZLING),
               attr_u32(*algo, CUBLASLT_ALGO_CONFIG_CLUSTER_SHAPE_ID), alone, beside, beside / alone, hog_tbs, whole_us);
      }
      fflush(stdout);
    }
    }
    CK(cublasLtMatmulPreferenceDestroy(pref));
    CK(cublasLtMatrixLayoutDestroy(la));
    CK(cublasLtMatrixLayoutDestroy(lb));
    CK(cublasLtMatrixLayoutDestroy(lc));
    CK(cublasLtMatmulDescDestroy(desc));
    for (auto p : w) CK(cudaFree(p));
    CK(cudaFree(x));
    CK(cudaFree(y));
  }
  printf("\ndone\n");
  return 0;
}
