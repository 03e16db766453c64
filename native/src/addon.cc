// The addon's exports: the classes and the module-level functions. runtime/binding/AddonTypes.ts
// states this surface in TypeScript; keep the two in step.
#include <napi.h>

#include "cublas_handle.h"
#include "cuda_graph.h"
#include "device.h"
#include "device_buffer.h"
#include "event.h"
#include "gpu_power.h"
#include "green_partition.h"
#include "kernel_activity.h"
#include "kernel_library.h"
#include "nccl_communicators.h"
#include "nvrtc_compiler.h"
#include "stream.h"
#include "system_info.h"

namespace {

Napi::Object InitAddon(Napi::Env env, Napi::Object exports) {
  using namespace nanoweave;
  Device::Init(env, exports);
  DeviceBuffer::Init(env, exports);
  Stream::Init(env, exports);
  Event::Init(env, exports);
  GreenPartition::Init(env, exports);
  CublasHandle::Init(env, exports);
  KernelLibrary::Init(env, exports);
  Kernel::Init(env, exports);
  CudaGraph::Init(env, exports);
  NcclCommunicators::Init(env, exports);
  exports.Set("openDevice", Napi::Function::New(env, Device::Open, "openDevice"));
  exports.Set("listDevices", Napi::Function::New(env, ListDevices, "listDevices"));
  exports.Set("libraryInfo", Napi::Function::New(env, LibraryInfo, "libraryInfo"));
  exports.Set("librarySearchDirectories", Napi::Function::New(env, SearchDirectories, "librarySearchDirectories"));
  exports.Set("readGpuPower", Napi::Function::New(env, ReadGpuPower, "readGpuPower"));
  exports.Set("greenContextSupport", Napi::Function::New(env, GreenContextSupport, "greenContextSupport"));
  exports.Set("compileProgram", Napi::Function::New(env, CompileProgram, "compileProgram"));
  exports.Set("startKernelActivity", Napi::Function::New(env, StartKernelActivity, "startKernelActivity"));
  exports.Set("stopKernelActivity", Napi::Function::New(env, StopKernelActivity, "stopKernelActivity"));
  exports.Set("createNcclCommunicators", Napi::Function::New(env, NcclCommunicators::Create, "createNcclCommunicators"));
  return exports;
}

}  // namespace

NODE_API_MODULE(nanoweave, InitAddon)
