#include "green_partition.h"

#include "stream.h"

namespace nanoweave {

namespace {

// Makes a green context owning exactly the SMs of `group`.
std::shared_ptr<GreenContextResource> CreateGreenContext(const std::shared_ptr<DeviceContext>& device,
                                                         cu::DevResource group) {
  cu::DevResourceDesc description = nullptr;
  CU_CALL(cuDevResourceGenerateDesc, &description, &group, 1);
  cu::GreenContext context = nullptr;
  CU_CALL(cuGreenCtxCreate, &context, description, device->device(), cu::kGreenContextDefaultStream);
  auto resource = std::make_shared<GreenContextResource>(device, context, 0);
  cu::DevResource granted{};
  CU_CALL(cuGreenCtxGetDevResource, context, &granted, cu::kDevResourceTypeSm);
  resource->smCount = granted.sm.smCount;
  return resource;
}

}  // namespace

const napi_type_tag GreenPartition::kTypeTag = {0x6e616e6f77656176ULL, 0x0000000000000005ULL};

GreenContextResource::~GreenContextResource() { cu::Driver().cuGreenCtxDestroy(context); }

void GreenPartition::Init(Napi::Env env, Napi::Object exports) {
  Define(env, exports,
         {GuardedGetter<&GreenPartition::SmCount>("smCount"),
          Guarded<&GreenPartition::CreateStream>("createStream")});
}

Napi::Array GreenPartition::Split(Napi::Env env, const std::shared_ptr<DeviceContext>& device,
                                  const std::vector<unsigned int>& sizes, bool includeRemainder,
                                  bool ignoreCoscheduling) {
  if (!cu::Driver().hasGreenContexts) throw NativeError::Misuse("This CUDA driver has no green contexts");
  const unsigned int flags = ignoreCoscheduling ? cu::kSmSplitIgnoreCoscheduling : 0;
  device->MakeCurrent();  // green contexts retain the primary context: have it active first
  cu::DevResource remaining{};
  CU_CALL(cuDeviceGetDevResource, device->device(), &remaining, cu::kDevResourceTypeSm);
  std::vector<std::shared_ptr<GreenContextResource>> partitions;
  for (const unsigned int size : sizes) {
    cu::DevResource group{};
    cu::DevResource rest{};
    unsigned int groups = 1;
    CU_CALL(cuDevSmResourceSplitByCount, &group, &groups, &remaining, &rest, flags, size);
    if (groups != 1) {
      throw NativeError::Misuse("No partition of " + std::to_string(size) + " SMs fits in the " +
                                std::to_string(remaining.sm.smCount) + " SMs left");
    }
    partitions.push_back(CreateGreenContext(device, group));
    remaining = rest;
  }
  if (includeRemainder && remaining.sm.smCount > 0) partitions.push_back(CreateGreenContext(device, remaining));
  Napi::Array result = Napi::Array::New(env, partitions.size());
  for (size_t i = 0; i < partitions.size(); ++i) result.Set(i, New(env, partitions[i]));
  return result;
}

Napi::Object GreenPartition::Support(Napi::Env env, int ordinal) {
  Napi::Object support = Napi::Object::New(env);
  const cu::DriverApi& driver = cu::Driver();
  if (!driver.hasGreenContexts) {
    support.Set("supported", false);
    support.Set("reason", "the CUDA driver at " + driver.path + " has no green-context API (needs a driver for CUDA 12.4 or later)");
    return support;
  }
  cu::Device device = 0;
  CU_CALL(cuDeviceGet, &device, ordinal);
  cu::DevResource all{};
  const cu::Result result = driver.cuDeviceGetDevResource(device, &all, cu::kDevResourceTypeSm);
  if (result == cu::kErrorNotSupported) {
    support.Set("supported", false);
    support.Set("reason", "the driver does not support green contexts on this device");
    return support;
  }
  cu::Check(result, "cuDeviceGetDevResource");
  support.Set("supported", true);
  support.Set("smCount", all.sm.smCount);
  // Drivers before CUDA 12.8 leave these 0: unknown.
  support.Set("minPartitionSms", all.sm.minSmPartitionSize);
  support.Set("alignment", all.sm.smCoscheduledAlignment);
  return support;
}

Napi::Value GreenPartition::SmCount(const Napi::CallbackInfo& info) {
  return Napi::Number::New(info.Env(), resource().smCount);
}

// createStream(priority): a non-blocking stream whose kernels run on this partition's SMs only.
Napi::Value GreenPartition::CreateStream(const Napi::CallbackInfo& info) {
  cu::Stream stream = nullptr;
  CU_CALL(cuGreenCtxStreamCreate, &stream, resource().context, cu::kStreamNonBlocking,
          info[0].As<Napi::Number>().Int32Value());
  return Stream::New(info.Env(), std::make_shared<StreamResource>(resource().device, shared(), stream));
}

}  // namespace nanoweave
