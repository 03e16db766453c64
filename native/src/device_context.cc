#include "device_context.h"

namespace nanoweave {

std::shared_ptr<DeviceContext> DeviceContext::Open(int ordinal) {
  cu::Device device = 0;
  CU_CALL(cuDeviceGet, &device, ordinal);
  cu::Context context = nullptr;
  CU_CALL(cuDevicePrimaryCtxRetain, &context, device);
  return std::shared_ptr<DeviceContext>(new DeviceContext(ordinal, device, context));
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
