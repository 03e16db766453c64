#include "gemm_algorithms.h"

#include <cstdint>
#include <cstring>

#include "cublas_api.h"

namespace nanoweave {

namespace {

// Cluster shapes tried for each algorithm (cublasLtClusterShape_t): auto, 1x1, 2x1, 4x1, 1x2, 2x2, 1x4.
constexpr std::uint16_t kClusterShapes[] = {0, 2, 3, 4, 5, 6, 8};

// The descriptor and layouts of one shape, destroyed with it.
class MatmulSetup {
 public:
  explicit MatmulSetup(const GemmShape& s) {
    const int cType = s.cFloat32 ? cublas::kDataTypeFloat32 : cublas::kDataTypeBfloat16;
    CUBLASLT_CALL(cublasLtMatmulDescCreate, &desc, cublas::kComputeFloat32, cublas::kDataTypeFloat32);
    const int opT = cublas::kOpT, opN = cublas::kOpN;
    CUBLASLT_CALL(cublasLtMatmulDescSetAttribute, desc, cublaslt::kDescTransA, &opT, sizeof(opT));
    CUBLASLT_CALL(cublasLtMatmulDescSetAttribute, desc, cublaslt::kDescTransB, &opN, sizeof(opN));
    const std::int32_t target = s.smCountTarget;
    CUBLASLT_CALL(cublasLtMatmulDescSetAttribute, desc, cublaslt::kDescSmCountTarget, &target, sizeof(target));
    // cuBLAS's A is our B (weights, k x n column-major), its B our A (k x m), its C ours (n x m).
    CUBLASLT_CALL(cublasLtMatrixLayoutCreate, &weights, cublas::kDataTypeBfloat16, s.k, s.n, s.ldb);
    CUBLASLT_CALL(cublasLtMatrixLayoutCreate, &activations, cublas::kDataTypeBfloat16, s.k, s.m, s.lda);
    CUBLASLT_CALL(cublasLtMatrixLayoutCreate, &output, cType, s.n, s.m, s.ldc);
  }
  ~MatmulSetup() {
    const auto& lt = cublaslt::CublasLt();
    if (output) lt.cublasLtMatrixLayoutDestroy(output);
    if (activations) lt.cublasLtMatrixLayoutDestroy(activations);
    if (weights) lt.cublasLtMatrixLayoutDestroy(weights);
    if (desc) lt.cublasLtMatmulDescDestroy(desc);
  }
  MatmulSetup(const MatmulSetup&) = delete;
  MatmulSetup& operator=(const MatmulSetup&) = delete;

  cublaslt::MatmulDesc desc = nullptr;
  cublaslt::MatrixLayout weights = nullptr, activations = nullptr, output = nullptr;
};

std::vector<std::uint32_t> CapList(const cublaslt::MatmulAlgo& algo, int attribute) {
  const auto& lt = cublaslt::CublasLt();
  std::size_t bytes = 0;
  if (lt.cublasLtMatmulAlgoCapGetAttribute(&algo, attribute, nullptr, 0, &bytes) != cublaslt::kSuccess || bytes == 0) {
    return {0};  // undefined: the algorithm picks for itself
  }
  std::vector<std::uint32_t> values(bytes / sizeof(std::uint32_t));
  lt.cublasLtMatmulAlgoCapGetAttribute(&algo, attribute, values.data(), bytes, &bytes);
  return values;
}

template <typename T>
int ConfigValue(const cublaslt::MatmulAlgo& algo, int attribute) {
  T value{};
  std::size_t written = 0;
  const auto status = cublaslt::CublasLt().cublasLtMatmulAlgoConfigGetAttribute(&algo, attribute, &value, sizeof(value), &written);
  return status == cublaslt::kSuccess ? static_cast<int>(value) : -1;
}

bool SameAlgo(const cublaslt::MatmulAlgo& a, const cublaslt::MatmulAlgo& b) {
  return std::memcmp(&a, &b, sizeof(a)) == 0;
}

}  // namespace

std::vector<GemmAlgorithm> ListGemmAlgorithms(cublaslt::Handle handle, const GemmShape& shape,
                                              std::size_t workspaceBytes, int heuristicCount) {
  const auto& lt = cublaslt::CublasLt();
  MatmulSetup setup(shape);
  std::vector<GemmAlgorithm> found;
  auto add = [&](const cublaslt::MatmulAlgo& algo, std::size_t workspace, bool fromHeuristic) {
    if (workspace > workspaceBytes) return;
    for (const auto& known : found) {
      if (SameAlgo(known.algo, algo)) return;
    }
    found.push_back({algo, workspace, fromHeuristic});
  };

  if (heuristicCount > 0) {
    cublaslt::Preference preference = nullptr;
    CUBLASLT_CALL(cublasLtMatmulPreferenceCreate, &preference);
    const std::uint64_t maxWorkspace = workspaceBytes;
    std::vector<cublaslt::HeuristicResult> results(heuristicCount);
    int returned = 0;
    const auto setStatus = lt.cublasLtMatmulPreferenceSetAttribute(preference, cublaslt::kPrefMaxWorkspaceBytes, &maxWorkspace, sizeof(maxWorkspace));
    const auto status = setStatus != cublaslt::kSuccess ? setStatus
        : lt.cublasLtMatmulAlgoGetHeuristic(handle, setup.desc, setup.weights, setup.activations, setup.output, setup.output,
                                            preference, heuristicCount, results.data(), &returned);
    lt.cublasLtMatmulPreferenceDestroy(preference);
    cublaslt::Check(status, "cublasLtMatmulAlgoGetHeuristic");
    for (int i = 0; i < returned; ++i) {
      if (results[i].state == cublaslt::kSuccess) add(results[i].algo, results[i].workspaceSize, true);
    }
  }

  const int bf16 = cublas::kDataTypeBfloat16;
  const int cType = shape.cFloat32 ? cublas::kDataTypeFloat32 : bf16;
  int ids[256];
  int idCount = 0;
  CUBLASLT_CALL(cublasLtMatmulAlgoGetIds, handle, cublas::kComputeFloat32, cublas::kDataTypeFloat32, bf16, bf16, cType, cType,
                256, ids, &idCount);
  for (int i = 0; i < idCount; ++i) {
    cublaslt::MatmulAlgo base{};
    if (lt.cublasLtMatmulAlgoInit(handle, cublas::kComputeFloat32, cublas::kDataTypeFloat32, bf16, bf16, cType, cType, ids[i], &base) !=
        cublaslt::kSuccess) {
      continue;
    }
    std::uint32_t swizzleSupport = 0;
    std::size_t written = 0;
    lt.cublasLtMatmulAlgoCapGetAttribute(&base, cublaslt::kCapCtaSwizzlingSupport, &swizzleSupport, sizeof(swizzleSupport), &written);
    for (std::uint32_t tile : CapList(base, cublaslt::kCapTileIds)) {
      for (std::uint32_t stages : CapList(base, cublaslt::kCapStagesIds)) {
        for (std::uint32_t swizzle = 0; swizzle <= (swizzleSupport ? 1u : 0u); ++swizzle) {
          for (std::uint16_t cluster : kClusterShapes) {
            cublaslt::MatmulAlgo algo = base;
            lt.cublasLtMatmulAlgoConfigSetAttribute(&algo, cublaslt::kConfigTileId, &tile, sizeof(tile));
            lt.cublasLtMatmulAlgoConfigSetAttribute(&algo, cublaslt::kConfigStagesId, &stages, sizeof(stages));
            lt.cublasLtMatmulAlgoConfigSetAttribute(&algo, cublaslt::kConfigCtaSwizzling, &swizzle, sizeof(swizzle));
            // Algorithms without cluster shapes refuse the attribute: only the "auto" pass keeps them.
            if (lt.cublasLtMatmulAlgoConfigSetAttribute(&algo, cublaslt::kConfigClusterShapeId, &cluster, sizeof(cluster)) !=
                    cublaslt::kSuccess &&
                cluster != 0) {
              continue;
            }
            cublaslt::HeuristicResult check{};
            if (lt.cublasLtMatmulAlgoCheck(handle, setup.desc, setup.weights, setup.activations, setup.output, setup.output, &algo,
                                           &check) == cublaslt::kSuccess) {
              add(algo, check.workspaceSize, false);
            }
          }
        }
      }
    }
  }
  return found;
}

void RunGemmAlgorithm(cublaslt::Handle handle, const GemmShape& shape, const cublaslt::MatmulAlgo& algo,
                      cu::DevicePtr a, cu::DevicePtr b, cu::DevicePtr c, float alpha, float beta,
                      cu::DevicePtr workspace, std::size_t workspaceBytes, cu::Stream stream) {
  MatmulSetup setup(shape);
  void* out = reinterpret_cast<void*>(c);
  CUBLASLT_CALL(cublasLtMatmul, handle, setup.desc, &alpha, reinterpret_cast<const void*>(b), setup.weights,
                reinterpret_cast<const void*>(a), setup.activations, &beta, out, setup.output, out, setup.output, &algo,
                reinterpret_cast<void*>(workspace), workspaceBytes, stream);
}

GemmAlgorithmConfig DescribeGemmAlgorithm(const cublaslt::MatmulAlgo& algo) {
  return {ConfigValue<std::int32_t>(algo, cublaslt::kConfigId),        ConfigValue<std::uint32_t>(algo, cublaslt::kConfigTileId),
          ConfigValue<std::uint32_t>(algo, cublaslt::kConfigStagesId), ConfigValue<std::uint32_t>(algo, cublaslt::kConfigSplitK),
          ConfigValue<std::uint32_t>(algo, cublaslt::kConfigCtaSwizzling),
          ConfigValue<std::uint16_t>(algo, cublaslt::kConfigClusterShapeId)};
}

std::string GemmAlgorithmToHex(const cublaslt::MatmulAlgo& algo) {
  static const char kDigits[] = "0123456789abcdef";
  const auto* bytes = reinterpret_cast<const unsigned char*>(&algo);
  std::string hex;
  hex.reserve(sizeof(algo) * 2);
  for (std::size_t i = 0; i < sizeof(algo); ++i) {
    hex.push_back(kDigits[bytes[i] >> 4]);
    hex.push_back(kDigits[bytes[i] & 15]);
  }
  return hex;
}

bool GemmAlgorithmFromHex(const std::string& hex, cublaslt::MatmulAlgo& algo) {
  if (hex.size() != sizeof(algo) * 2) return false;
  auto nibble = [](char ch) -> int {
    if (ch >= '0' && ch <= '9') return ch - '0';
    if (ch >= 'a' && ch <= 'f') return ch - 'a' + 10;
    return -1;
  };
  auto* bytes = reinterpret_cast<unsigned char*>(&algo);
  for (std::size_t i = 0; i < sizeof(algo); ++i) {
    const int hi = nibble(hex[2 * i]), lo = nibble(hex[2 * i + 1]);
    if (hi < 0 || lo < 0) return false;
    bytes[i] = static_cast<unsigned char>(hi << 4 | lo);
  }
  return true;
}

}  // namespace nanoweave
