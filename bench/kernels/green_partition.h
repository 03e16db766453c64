// An SM partition through the driver's green contexts: a green context holding `sms` SMs (rounded
// up as the hardware requires; all SMs if sms >= the device's count) and a stream on it.
#pragma once
#include "cuda_api.h"

class GreenPartition {
 public:
  GreenPartition(CUdevice device, int sms);
  GreenPartition(const GreenPartition&) = delete;
  GreenPartition& operator=(const GreenPartition&) = delete;
  ~GreenPartition();

  int granted_sms() const { return granted_; }  // read back from the resource, never assumed
  CUstream stream() const { return stream_; }
  // Makes the green context current: functions and events are then made for it.
  void make_current() const { CU(cuCtxSetCurrent(context_)); }

 private:
  CUgreenCtx green_ = nullptr;
  CUcontext context_ = nullptr;
  CUstream stream_ = nullptr;
  int granted_ = 0;
};
