#include "cublas_handle.h"

#include "device_buffer.h"
#include "stream.h"

namespace nanoweave {

const napi_type_tag CublasHandle::kTypeTag = {0x6e616e6f77656176ULL, 0x0000000000000006ULL};

CublasResource::CublasResource(std::shared_ptr<DeviceContext> owner) : device(std::move(owner)) {
  device->MakeCurrent();
  CUBLAS_CALL(cublasCreate, &handle);
}

CublasResource::~CublasResource() {
  device->MakeCurrentQuietly();
  cublas::Cublas().cublasDestroy(handle);
  if (workspace != 0) cu::Driver().cuMemFree(workspace);
}

void CublasHandle::Init(Napi::Env env, Napi::Object exports) {
  Define(env, exports,
         {GuardedGetter<&CublasHandle::SmCountTarget>("smCountTarget"),
          Guarded<&CublasHandle::SetSmCountTarget>("setSmCountTarget"),
          Guarded<&CublasHandle::Gemm>("gemm")});
}

Napi::Object CublasHandle::Create(Napi::Env env, std::shared_ptr<DeviceContext> device, int smCountTarget,
                                  std::size_t workspaceBytes) {
  auto resource = std::make_shared<CublasResource>(std::move(device));
  if (workspaceBytes > 0) {
    CU_CALL(cuMemAlloc, &resource->workspace, workspaceBytes);
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

// gemm(stream, a, aByteOffset, b, bByteOffset, c, cByteOffset, m, n, k, lda, ldb, ldc,
//      cIsFloat32, alpha, beta)
// Row-major C[m,n] = alpha * A[m,k] · B[n,k]^T + beta * C, A and B bf16, fp32 accumulation,
// C bf16 or fp32; lda/ldb/ldc are row strides in elements. cuBLAS is column-major: a row-major
// X[r,c] is its column-major X^T, so we ask it for C^T[n,m] = B[n,k] · A^T[k,m], that is
// op(B^T as stored) = T and op(A^T as stored) = N, with the operands swapped.
Napi::Value CublasHandle::Gemm(const Napi::CallbackInfo& info) {
  const cu::Stream stream = Stream::HandleOf(info[0], "the GEMM stream");
  const cu::DevicePtr a = DeviceBuffer::AddressOf(info[1], info[2], "A");
  const cu::DevicePtr b = DeviceBuffer::AddressOf(info[3], info[4], "B");
  const cu::DevicePtr c = DeviceBuffer::AddressOf(info[5], info[6], "C");
  const int m = info[7].As<Napi::Number>().Int32Value();
  const int n = info[8].As<Napi::Number>().Int32Value();
  const int k = info[9].As<Napi::Number>().Int32Value();
  const int lda = info[10].As<Napi::Number>().Int32Value();
  const int ldb = info[11].As<Napi::Number>().Int32Value();
  const int ldc = info[12].As<Napi::Number>().Int32Value();
  const int cType = info[13].As<Napi::Boolean>().Value() ? cublas::kDataTypeFloat32 : cublas::kDataTypeBfloat16;
  const float alpha = info[14].As<Napi::Number>().FloatValue();
  const float beta = info[15].As<Napi::Number>().FloatValue();
  resource().device->MakeCurrent();
  CUBLAS_CALL(cublasSetStream, resource().handle, stream);
  CUBLAS_CALL(cublasGemmEx, resource().handle, cublas::kOpT, cublas::kOpN, n, m, k, &alpha,
              reinterpret_cast<const void*>(b), cublas::kDataTypeBfloat16, ldb,
              reinterpret_cast<const void*>(a), cublas::kDataTypeBfloat16, lda, &beta,
              reinterpret_cast<void*>(c), cType, ldc, cublas::kComputeFloat32, cublas::kGemmDefault);
  return info.Env().Undefined();
}

}  // namespace nanoweave
