#include "device_context.h"

#include <string>

#include "native_error.h"

namespace nanoweave {

std::shared_ptr<DeviceContext> DeviceContext::Open(int ordinal) {
  cu::Device device = 0;
  CU_CALL(cuDeviceGet, &device, ordinal);
  cu::Context context = nullptr;
  CU_CALL(cuDevicePrimaryCtxRetain, &context, device);
  return std::shared_ptr<DeviceContext>(new DeviceContext(ordinal, device, context));
}

void DeviceContext::EnablePeerAccess(const DeviceContext& peer) const {
  int possible = 0;
  CU_CALL(cuDeviceCanAccessPeer, &possible, device_, peer.device_);
  if (possible == 0) {
    throw NativeError::Misuse("GPU " + std::to_string(ordinal_) + " cannot access GPU " + std::to_string(peer.ordinal_) +
                              "'s memory directly (no NVLink or PCIe peer-to-peer between them)");
  }
  MakeCurrent();
  const cu::Result result = cu::Driver().cuCtxEnablePeerAccess(peer.context_, 0);
  if (result != cu::kErrorPeerAccessAlreadyEnabled) cu::Check(result, "cuCtxEnablePeerAccess");
}

DeviceContext::~DeviceContext() {
  // Destructors cannot report: a failed release at exit is not actionable.
  cu::Driver().cuDevicePrimaryCtxRelease(device_);
}

void DeviceContext::MakeCurrent() const { CU_CALL(cuCtxSetCurrent, context_); }

void DeviceContext::MakeCurrentQuietly() const noexcept { cu::Driver().cuCtxSetCurrent(context_); }

CurrentContextRestorer::CurrentContextRestorer() { CU_CALL(cuCtxGetCurrent, &saved_); }

CurrentContextRestorer::~CurrentContextRestorer() { cu::Driver().cuCtxSetCurrent(saved_); }

}  // namespace nanoweave
