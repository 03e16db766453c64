#include "device.h"

#include <vector>

#include "cublas_handle.h"
#include "device_buffer.h"
#include "event.h"
#include "green_partition.h"
#include "kernel_library.h"
#include "stream.h"

namespace nanoweave {

const napi_type_tag Device::kTypeTag = {0x6e616e6f77656176ULL, 0x000000000000000aULL};

void Device::Init(Napi::Env env, Napi::Object exports) {
  Define(env, exports,
         {GuardedGetter<&Device::Ordinal>("ordinal"), Guarded<&Device::Allocate>("allocate"),
          Guarded<&Device::CreateStream>("createStream"), Guarded<&Device::CreateEvent>("createEvent"),
          Guarded<&Device::CreateGreenPartitions>("createGreenPartitions"),
          Guarded<&Device::CreateCublas>("createCublas"),
          Guarded<&Device::LoadKernelLibrary>("loadKernelLibrary"),
          Guarded<&Device::MemoryInfo>("memoryInfo"), Guarded<&Device::Synchronize>("synchronize"),
          Guarded<&Device::EnablePeerAccess>("enablePeerAccess")});
}

Napi::Value Device::Open(const Napi::CallbackInfo& info) {
  return GuardJs(info.Env(), [&] { return New(info.Env(), DeviceContext::Open(info[0].As<Napi::Number>().Int32Value())); });
}

Napi::Value Device::Ordinal(const Napi::CallbackInfo& info) {
  return Napi::Number::New(info.Env(), resource().ordinal());
}

// allocate(bytes) -> DeviceBuffer
Napi::Value Device::Allocate(const Napi::CallbackInfo& info) {
  const auto bytes = static_cast<std::size_t>(info[0].As<Napi::Number>().Int64Value());
  return DeviceBuffer::New(info.Env(), std::make_shared<DeviceAllocation>(shared(), bytes));
}

// createStream(priority) -> Stream (plain, non-blocking)
Napi::Value Device::CreateStream(const Napi::CallbackInfo& info) {
  return Stream::Create(info.Env(), shared(), info[0].As<Napi::Number>().Int32Value());
}

// createEvent(timing) -> Event
Napi::Value Device::CreateEvent(const Napi::CallbackInfo& info) {
  return Event::Create(info.Env(), shared(), info[0].As<Napi::Boolean>().Value());
}

// createGreenPartitions(sizes[], includeRemainder, ignoreCoscheduling, remainderGroups[]) -> GreenPartition[]
Napi::Value Device::CreateGreenPartitions(const Napi::CallbackInfo& info) {
  const auto numbers = [](const Napi::Value& value) {
    const auto array = value.As<Napi::Array>();
    std::vector<unsigned int> out;
    for (uint32_t i = 0; i < array.Length(); ++i) out.push_back(array.Get(i).As<Napi::Number>().Uint32Value());
    return out;
  };
  return GreenPartition::Split(info.Env(), shared(), numbers(info[0]), info[1].As<Napi::Boolean>().Value(),
                               info[2].As<Napi::Boolean>().Value(), numbers(info[3]));
}

// createCublas(smCountTarget, workspaceBytes) -> CublasHandle
Napi::Value Device::CreateCublas(const Napi::CallbackInfo& info) {
  return CublasHandle::Create(info.Env(), shared(), info[0].As<Napi::Number>().Int32Value(),
                              static_cast<std::size_t>(info[1].As<Napi::Number>().Int64Value()));
}

// loadKernelLibrary(image: Uint8Array) -> KernelLibrary
Napi::Value Device::LoadKernelLibrary(const Napi::CallbackInfo& info) {
  return KernelLibrary::Load(info.Env(), shared(), info[0]);
}

// memoryInfo() -> {freeBytes, totalBytes}
Napi::Value Device::MemoryInfo(const Napi::CallbackInfo& info) {
  resource().MakeCurrent();
  std::size_t freeBytes = 0, totalBytes = 0;
  CU_CALL(cuMemGetInfo, &freeBytes, &totalBytes);
  Napi::Object memory = Napi::Object::New(info.Env());
  memory.Set("freeBytes", static_cast<double>(freeBytes));
  memory.Set("totalBytes", static_cast<double>(totalBytes));
  return memory;
}

// synchronize(): waits for all work on the device's primary context and its partitions.
Napi::Value Device::Synchronize(const Napi::CallbackInfo& info) {
  resource().MakeCurrent();
  CU_CALL(cuCtxSynchronize);
  return info.Env().Undefined();
}

// enablePeerAccess(peer: Device): this GPU's copies and kernels may then address peer's memory.
Napi::Value Device::EnablePeerAccess(const Napi::CallbackInfo& info) {
  resource().EnablePeerAccess(*From(info[0], "the peer GPU"));
  return info.Env().Undefined();
}

}  // namespace nanoweave
