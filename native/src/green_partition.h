// SM partitions through green contexts (driver API): the device's SMs are split into groups, each
// group becomes a green context, and streams made from it run their kernels on its SMs only. The
// SM count granted is read back from the green context, never assumed from the request.
#pragma once

#include <napi.h>

#include <memory>
#include <vector>

#include "device_context.h"
#include "native_object.h"

namespace nanoweave {

struct GreenContextResource {
  GreenContextResource(std::shared_ptr<DeviceContext> device, cu::GreenContext context, unsigned int smCount)
      : device(std::move(device)), context(context), smCount(smCount) {}
  ~GreenContextResource();
  GreenContextResource(const GreenContextResource&) = delete;
  GreenContextResource& operator=(const GreenContextResource&) = delete;

  std::shared_ptr<DeviceContext> device;
  cu::GreenContext context;
  unsigned int smCount;
};

class GreenPartition : public NativeObject<GreenPartition, GreenContextResource> {
 public:
  static constexpr const char* kClassName = "GreenPartition";
  static const napi_type_tag kTypeTag;
  static void Init(Napi::Env env, Napi::Object exports);
  explicit GreenPartition(const Napi::CallbackInfo& info) : NativeObject(info) {}

  // Splits the device's SMs: one partition per requested size (rounded up to the driver's unit),
  // in order, then (if asked) one more holding the rest, which also takes the unit groups listed in
  // remainderGroups (indices into the device's split into units; see Support's groupCount).
  // Returns an array of GreenPartition.
  static Napi::Array Split(Napi::Env env, const std::shared_ptr<DeviceContext>& device,
                           const std::vector<unsigned int>& sizes, bool includeRemainder,
                           bool ignoreCoscheduling, const std::vector<unsigned int>& remainderGroups);

  // {supported, reason?, smCount, minPartitionSms, alignment, groupCount, groupSms, leftoverSms}
  // for a device ordinal: the last three describe the split into the smallest unit groups.
  static Napi::Object Support(Napi::Env env, int ordinal);

 private:
  Napi::Value SmCount(const Napi::CallbackInfo& info);
  Napi::Value CreateStream(const Napi::CallbackInfo& info);
};

}  // namespace nanoweave
