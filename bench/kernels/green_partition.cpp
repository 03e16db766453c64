#include "green_partition.h"

GreenPartition::GreenPartition(CUdevice device, int sms) {
  CUdevResource all;
  CU(cuDeviceGetDevResource(device, &all, CU_DEV_RESOURCE_TYPE_SM));
  CUdevResource chosen = all;
  if (sms < int(all.sm.smCount)) {
    CUdevResource remaining;
    unsigned groups = 1;
    CU(cuDevSmResourceSplitByCount(&chosen, &groups, &all, &remaining, 0, unsigned(sms)));
  }
  granted_ = int(chosen.sm.smCount);
  CUdevResourceDesc desc;
  CU(cuDevResourceGenerateDesc(&desc, &chosen, 1));
  CU(cuGreenCtxCreate(&green_, desc, device, CU_GREEN_CTX_DEFAULT_STREAM));
  CU(cuCtxFromGreenCtx(&context_, green_));
  CU(cuGreenCtxStreamCreate(&stream_, green_, CU_STREAM_NON_BLOCKING, 0));
}

GreenPartition::~GreenPartition() {
  if (stream_) cuStreamDestroy(stream_);
  if (green_) cuGreenCtxDestroy(green_);
}
