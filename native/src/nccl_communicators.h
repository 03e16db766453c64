// NCCL communicators for several GPUs driven by this one process: one rank per device, created
// together (ncclGroupStart + ncclCommInitRankConfig per rank) with a cap on NCCL's CTAs so that
// it fits inside an SM partition. All-reduces are issued as one group, each rank on its stream.
#pragma once

#include <napi.h>

#include <memory>
#include <vector>

#include "device_context.h"
#include "nccl_api.h"
#include "native_object.h"

namespace nanoweave {

struct NcclCommunicatorsResource {
  ~NcclCommunicatorsResource();
  std::vector<std::shared_ptr<DeviceContext>> devices;  // rank i runs on devices[i]
  std::vector<nccl::Comm> comms;
};

class NcclCommunicators : public NativeObject<NcclCommunicators, NcclCommunicatorsResource> {
 public:
  static constexpr const char* kClassName = "NcclCommunicators";
  static const napi_type_tag kTypeTag;
  static void Init(Napi::Env env, Napi::Object exports);
  explicit NcclCommunicators(const Napi::CallbackInfo& info) : NativeObject(info) {}

  // createNcclCommunicators(devices: Device[], {maxCTAs, minCTAs}) -> Promise<NcclCommunicators>
  static Napi::Value Create(const Napi::CallbackInfo& info);

 private:
  Napi::Value Size(const Napi::CallbackInfo& info);
  Napi::Value AllReduce(const Napi::CallbackInfo& info);
};

}  // namespace nanoweave
