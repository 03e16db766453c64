// bf16 GEMMs through cuBLASLt with a chosen algorithm: the candidates cuBLASLt offers for a shape
// (its heuristic's picks and every tile, stage count, CTA swizzle and cluster shape its algorithms
// accept), and a launch with one of them. Same convention as CublasHandle::Gemm: row-major
// C[m,n] = alpha * A[m,k] · B[n,k]^T + beta * C, asked of cuBLAS as C^T[n,m] = B · A^T.
#pragma once

#include <cstddef>
#include <string>
#include <vector>

#include "cublaslt_api.h"

namespace nanoweave {

struct GemmShape {
  int m, n, k;
  int lda, ldb, ldc;  // row strides in elements
  bool cFloat32;
  int smCountTarget;  // 0: all of the device's SMs
};

struct GemmAlgorithm {
  cublaslt::MatmulAlgo algo;
  std::size_t workspaceBytes;
  bool fromHeuristic;  // one of cuBLASLt's own picks, in its order
};

// The algorithm's configuration as cuBLASLt reports it (-1 where it does not say).
struct GemmAlgorithmConfig {
  int id, tile, stages, splitK, swizzle, cluster;
};

// Every candidate for the shape that needs at most workspaceBytes: up to heuristicCount of the
// heuristic's picks first, then the rest of what cublasLtMatmulAlgoCheck accepts, without repeats.
std::vector<GemmAlgorithm> ListGemmAlgorithms(cublaslt::Handle handle, const GemmShape& shape,
                                              std::size_t workspaceBytes, int heuristicCount);

void RunGemmAlgorithm(cublaslt::Handle handle, const GemmShape& shape, const cublaslt::MatmulAlgo& algo,
                      cu::DevicePtr a, cu::DevicePtr b, cu::DevicePtr c, float alpha, float beta,
                      cu::DevicePtr workspace, std::size_t workspaceBytes, cu::Stream stream);

GemmAlgorithmConfig DescribeGemmAlgorithm(const cublaslt::MatmulAlgo& algo);

// The algorithm as 128 hex digits and back; FromHex returns false on anything else.
std::string GemmAlgorithmToHex(const cublaslt::MatmulAlgo& algo);
bool GemmAlgorithmFromHex(const std::string& hex, cublaslt::MatmulAlgo& algo);

}  // namespace nanoweave
