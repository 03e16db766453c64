// A typed device allocation with upload and download, freed on destruction.
#pragma once
#include <vector>

#include "cuda_api.h"

template <class T>
class DeviceArray {
 public:
  explicit DeviceArray(size_t count) : count_(count) { CU(cuMemAlloc(&ptr_, bytes() ? bytes() : 1)); }
  explicit DeviceArray(const std::vector<T>& host) : DeviceArray(host.size()) { upload(host); }
  DeviceArray(const DeviceArray&) = delete;
  DeviceArray& operator=(const DeviceArray&) = delete;
  ~DeviceArray() { cuMemFree(ptr_); }

  CUdeviceptr ptr() const { return ptr_; }
  size_t size() const { return count_; }
  size_t bytes() const { return count_ * sizeof(T); }

  void upload(const std::vector<T>& host) { CU(cuMemcpyHtoD(ptr_, host.data(), bytes())); }
  std::vector<T> download() const {
    std::vector<T> host(count_);
    CU(cuMemcpyDtoH(host.data(), ptr_, bytes()));
    return host;
  }
  // Every byte set to `byte`: 0xff makes bf16 and fp32 NaNs, the poison outputs are checked against.
  void fill_bytes(unsigned char byte) { CU(cuMemsetD8(ptr_, byte, bytes())); }

 private:
  CUdeviceptr ptr_ = 0;
  size_t count_;
};
