#include "cublas_handle.h"

#include "device_buffer.h"
#include "gemm_algorithms.h"
#include "stream.h"

namespace nanoweave {

const napi_type_tag CublasHandle::kTypeTag = {0x6e616e6f77656176ULL, 0x0000000000000006ULL};

CublasResource::CublasResource(std::shared_ptr<DeviceContext> owner) : device(std::move(owner)) {
  device->MakeCurrent();
  CUBLAS_CALL(cublasCreate, &handle);
}

CublasResource::~CublasResource() {
  device->MakeCurrentQuietly();
  if (lt != nullptr) cublaslt::CublasLt().cublasLtDestroy(lt);
  cublas::Cublas().cublasDestroy(handle);
  if (workspace != 0) cu::Driver().cuMemFree(workspace);
}

cublaslt::Handle CublasResource::LtHandle() {
  if (lt == nullptr) CUBLASLT_CALL(cublasLtCreate, &lt);
  return lt;
}

void CublasHandle::Init(Napi::Env env, Napi::Object exports) {
  Define(env, exports,
         {GuardedGetter<&CublasHandle::SmCountTarget>("smCountTarget"),
          Guarded<&CublasHandle::SetSmCountTarget>("setSmCountTarget"),
          Guarded<&CublasHandle::Gemm>("gemm"), Guarded<&CublasHandle::GemmAlgorithms>("gemmAlgorithms")});
}

Napi::Object CublasHandle::Create(Napi::Env env, std::shared_ptr<DeviceContext> device, int smCountTarget,
                                  std::size_t workspaceBytes) {
  auto resource = std::make_shared<CublasResource>(std::move(device));
  if (workspaceBytes > 0) {
    CU_CALL(cuMemAlloc, &resource->workspace, workspaceBytes);
    resource->workspaceBytes = workspaceBytes;
    CUBLAS_CALL(cublasSetWorkspace, resource->handle, reinterpret_cast<void*>(resource->workspace), workspaceBytes);
  }
  CUBLAS_CALL(cublasSetSmCountTarget, resource->handle, smCountTarget);
  return New(env, std::move(resource));
}

// Read back from cuBLAS, not remembered: 0 means "all the device's SMs".
Napi::Value CublasHandle::SmCountTarget(const Napi::CallbackInfo& info) {
  int target = 0;
  CUBLAS_CALL(cublasGetSmCountTarget, resource().handle, &target);
  return Napi::Number::New(info.Env(), target);
}

Napi::Value CublasHandle::SetSmCountTarget(const Napi::CallbackInfo& info) {
  CUBLAS_CALL(cublasSetSmCountTarget, resource().handle, info[0].As<Napi::Number>().Int32Value());
  return info.Env().Undefined();
}

namespace {

int IntArgument(const Napi::CallbackInfo& info, std::size_t index) { return info[index].As<Napi::Number>().Int32Value(); }

// The shape arguments shared by gemm and gemmAlgorithms, from `first` on: m, n, k, lda, ldb, ldc, cIsFloat32
// (smCountTarget is the handle's, read only where cuBLASLt needs it).
GemmShape ShapeArguments(const Napi::CallbackInfo& info, std::size_t first, int smCountTarget) {
  return {IntArgument(info, first),     IntArgument(info, first + 1), IntArgument(info, first + 2),
          IntArgument(info, first + 3), IntArgument(info, first + 4), IntArgument(info, first + 5),
          info[first + 6].As<Napi::Boolean>().Value(), smCountTarget};
}

int SmCountTargetOf(const CublasResource& resource) {
  int target = 0;
  CUBLAS_CALL(cublasGetSmCountTarget, resource.handle, &target);
  return target;
}

}  // namespace

// gemm(stream, a, aByteOffset, b, bByteOffset, c, cByteOffset, m, n, k, lda, ldb, ldc,
//      cIsFloat32, alpha, beta, algorithm?)
// Row-major C[m,n] = alpha * A[m,k] · B[n,k]^T + beta * C, A and B bf16, fp32 accumulation,
// C bf16 or fp32; lda/ldb/ldc are row strides in elements. cuBLAS is column-major: a row-major
// X[r,c] is its column-major X^T, so we ask it for C^T[n,m] = B[n,k] · A^T[k,m], that is
// op(B^T as stored) = T and op(A^T as stored) = N, with the operands swapped. With an algorithm
// (hex, from gemmAlgorithms) cuBLASLt runs that one; without, cuBLAS's heuristic picks.
Napi::Value CublasHandle::Gemm(const Napi::CallbackInfo& info) {
  const cu::Stream stream = Stream::HandleOf(info[0], "the GEMM stream");
  const cu::DevicePtr a = DeviceBuffer::AddressOf(info[1], info[2], "A");
  const cu::DevicePtr b = DeviceBuffer::AddressOf(info[3], info[4], "B");
  const cu::DevicePtr c = DeviceBuffer::AddressOf(info[5], info[6], "C");
  const float alpha = info[14].As<Napi::Number>().FloatValue();
  const float beta = info[15].As<Napi::Number>().FloatValue();
  CublasResource& r = resource();
  r.device->MakeCurrent();
  GemmShape shape = ShapeArguments(info, 7, 0);
  if (info.Length() > 16 && info[16].IsString()) {
    cublaslt::MatmulAlgo algo{};
    if (!GemmAlgorithmFromHex(info[16].As<Napi::String>().Utf8Value(), algo)) {
      throw Napi::TypeError::New(info.Env(), "the GEMM algorithm must be 128 lowercase hex digits, as gemmAlgorithms lists it");
    }
    shape.smCountTarget = SmCountTargetOf(r);
    RunGemmAlgorithm(r.LtHandle(), shape, algo, a, b, c, alpha, beta, r.workspace, r.workspaceBytes, stream);
    return info.Env().Undefined();
  }
  const int cType = shape.cFloat32 ? cublas::kDataTypeFloat32 : cublas::kDataTypeBfloat16;
  CUBLAS_CALL(cublasSetStream, r.handle, stream);
  CUBLAS_CALL(cublasGemmEx, r.handle, cublas::kOpT, cublas::kOpN, shape.n, shape.m, shape.k, &alpha,
              reinterpret_cast<const void*>(b), cublas::kDataTypeBfloat16, shape.ldb,
              reinterpret_cast<const void*>(a), cublas::kDataTypeBfloat16, shape.lda, &beta,
              reinterpret_cast<void*>(c), cType, shape.ldc, cublas::kComputeFloat32, cublas::kGemmDefault);
  return info.Env().Undefined();
}

// gemmAlgorithms(m, n, k, lda, ldb, ldc, cIsFloat32, heuristicCount) -> [{algorithm, workspaceBytes,
// fromHeuristic, id, tile, stages, splitK, swizzle, cluster}]: what gemm can run for this shape at
// this handle's SM count target within its workspace.
Napi::Value CublasHandle::GemmAlgorithms(const Napi::CallbackInfo& info) {
  CublasResource& r = resource();
  r.device->MakeCurrent();
  const GemmShape shape = ShapeArguments(info, 0, SmCountTargetOf(r));
  const auto found = ListGemmAlgorithms(r.LtHandle(), shape, r.workspaceBytes, IntArgument(info, 7));
  Napi::Env env = info.Env();
  Napi::Array list = Napi::Array::New(env, found.size());
  for (std::size_t i = 0; i < found.size(); ++i) {
    const GemmAlgorithmConfig config = DescribeGemmAlgorithm(found[i].algo);
    Napi::Object entry = Napi::Object::New(env);
    entry.Set("algorithm", GemmAlgorithmToHex(found[i].algo));
    entry.Set("workspaceBytes", static_cast<double>(found[i].workspaceBytes));
    entry.Set("fromHeuristic", found[i].fromHeuristic);
    entry.Set("id", config.id);
    entry.Set("tile", config.tile);
    entry.Set("stages", config.stages);
    entry.Set("splitK", config.splitK);
    entry.Set("swizzle", config.swizzle);
    entry.Set("cluster", config.cluster);
    list.Set(static_cast<uint32_t>(i), entry);
  }
  return list;
}

}  // namespace nanoweave
