// One GPU's primary context, retained while anything made on the device lives. Every native call
// first makes it current on the calling thread (JS thread or a pool thread), so calls never depend
// on what another library left current.
#pragma once

#include <memory>

#include "cuda_driver_api.h"

namespace nanoweave {

class DeviceContext {
 public:
  static std::shared_ptr<DeviceContext> Open(int ordinal);
  ~DeviceContext();
  DeviceContext(const DeviceContext&) = delete;
  DeviceContext& operator=(const DeviceContext&) = delete;

  void MakeCurrent() const;
  // For destructors, which cannot report a failure.
  void MakeCurrentQuietly() const noexcept;
  int ordinal() const { return ordinal_; }
  cu::Device device() const { return device_; }
  // Lets this context's copies and kernels read and write `peer`'s memory directly (NVLink or
  // PCIe peer-to-peer); throws naming both GPUs where the hardware cannot. Enabling twice is fine.
  void EnablePeerAccess(const DeviceContext& peer) const;

 private:
  DeviceContext(int ordinal, cu::Device device, cu::Context context)
      : ordinal_(ordinal), device_(device), context_(context) {}
  int ordinal_;
  cu::Device device_;
  cu::Context context_;
};

// Restores the calling thread's current context on scope exit (NCCL's init changes it).
class CurrentContextRestorer {
 public:
  CurrentContextRestorer();
  ~CurrentContextRestorer();
  CurrentContextRestorer(const CurrentContextRestorer&) = delete;
  CurrentContextRestorer& operator=(const CurrentContextRestorer&) = delete;

 private:
  cu::Context saved_ = nullptr;
};

}  // namespace nanoweave
