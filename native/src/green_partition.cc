#include "green_partition.h"

#include <vector>

#include "stream.h"

namespace nanoweave {

namespace {

// Makes a green context owning exactly the SMs of `groups` (outputs of one split).
std::shared_ptr<GreenContextResource> CreateGreenContext(const std::shared_ptr<DeviceContext>& device,
                                                         std::vector<cu::DevResource> groups) {
  cu::DevResourceDesc description = nullptr;
  CU_CALL(cuDevResourceGenerateDesc, &description, groups.data(), static_cast<unsigned int>(groups.size()));
  cu::GreenContext context = nullptr;
  CU_CALL(cuGreenCtxCreate, &context, description, device->device(), cu::kGreenContextDefaultStream);
  auto resource = std::make_shared<GreenContextResource>(device, context, 0);
  cu::DevResource granted{};
  CU_CALL(cuGreenCtxGetDevResource, context, &granted, cu::kDevResourceTypeSm);
  resource->smCount = granted.sm.smCount;
  return resource;
}

struct UnitSplit {
  std::vector<cu::DevResource> groups;
  cu::DevResource rest{};
  unsigned int unit = 0;
};

// The device's SMs split into as many groups of the smallest unit the driver allows (8 SMs on
// Hopper, 2 when coscheduling is ignored) as it grants, and the SMs left over. The unit is what a
// split asking for single SMs grants; the groups come from a split asking for that unit, the same
// call Split makes for sized partitions alone, so that a group's index names the same SMs in both.
UnitSplit SplitIntoUnits(const cu::DevResource& all, unsigned int flags) {
  unsigned int available = 0;
  CU_CALL(cuDevSmResourceSplitByCount, nullptr, &available, &all, nullptr, flags, 1);
  UnitSplit split;
  split.rest = all;
  if (available == 0) return split;
  std::vector<cu::DevResource> probe(available);
  CU_CALL(cuDevSmResourceSplitByCount, probe.data(), &available, &all, nullptr, flags, 1);
  split.unit = probe.front().sm.smCount;
  split.groups.resize(available);
  CU_CALL(cuDevSmResourceSplitByCount, split.groups.data(), &available, &all, &split.rest, flags, split.unit);
  split.groups.resize(available);
  return split;
}

}  // namespace

const napi_type_tag GreenPartition::kTypeTag = {0x6e616e6f77656176ULL, 0x0000000000000005ULL};

GreenContextResource::~GreenContextResource() { cu::Driver().cuGreenCtxDestroy(context); }

void GreenPartition::Init(Napi::Env env, Napi::Object exports) {
  Define(env, exports,
         {GuardedGetter<&GreenPartition::SmCount>("smCount"),
          Guarded<&GreenPartition::CreateStream>("createStream")});
}

// The driver cannot split a split's output again (without a green context in between), so the
// device is split once into groups of the smallest unit, each partition taking whole groups (one
// descriptor may combine outputs of the same split). Without remainderGroups, the sized partitions
// take consecutive groups of a split into just that many, and the remainder partition is that
// split's remaining resource: combining it with unit groups cost cuBLAS's clustered GEMMs about 40%
// of their speed on an H100 (bench/results/2026-11-21-h100-run-llama-70b-tp8-shard.txt). With
// them, the remainder partition is the split's leftover SMs plus those groups (chosen by the
// caller: which groups a memory-bound kernel reads fastest on), and the sized partitions take the
// other groups in order.
Napi::Array GreenPartition::Split(Napi::Env env, const std::shared_ptr<DeviceContext>& device,
                                  const std::vector<unsigned int>& sizes, bool includeRemainder,
                                  bool ignoreCoscheduling, const std::vector<unsigned int>& remainderGroups) {
  if (!cu::Driver().hasGreenContexts) throw NativeError::Misuse("This CUDA driver has no green contexts");
  if (!remainderGroups.empty() && !includeRemainder) throw NativeError::Misuse("Groups were given to a remainder partition that was not asked for");
  const unsigned int flags = ignoreCoscheduling ? cu::kSmSplitIgnoreCoscheduling : 0;
  device->MakeCurrent();  // green contexts retain the primary context: have it active first
  cu::DevResource all{};
  CU_CALL(cuDeviceGetDevResource, device->device(), &all, cu::kDevResourceTypeSm);
  const UnitSplit units = SplitIntoUnits(all, flags);
  const size_t available = units.groups.size();
  const unsigned int unit = units.unit;

  std::vector<bool> toRemainder(available, false);
  for (const unsigned int group : remainderGroups) {
    if (group >= available || toRemainder[group]) {
      throw NativeError::Misuse("Remainder group " + std::to_string(group) + " is out of range or repeated: the device splits into " +
                                std::to_string(available) + " groups");
    }
    toRemainder[group] = true;
  }
  std::vector<size_t> needed;
  size_t total = remainderGroups.size();
  for (const unsigned int size : sizes) {
    needed.push_back(unit == 0 ? available + 1 : (size + unit - 1) / unit);
    total += needed.back();
    if (total > available) {
      throw NativeError::Misuse("No partition of " + std::to_string(size) + " SMs fits: the device splits into " +
                                std::to_string(available) + " groups of " + std::to_string(unit) + " SMs and " +
                                std::to_string(total - needed.back()) + " are taken");
    }
  }

  // The groups the sized partitions take in order, and what the remainder holds.
  std::vector<cu::DevResource> sized;
  std::vector<cu::DevResource> remainder;
  if (remainderGroups.empty()) {
    unsigned int count = static_cast<unsigned int>(total);
    sized.resize(count);
    cu::DevResource rest{};
    if (count > 0) CU_CALL(cuDevSmResourceSplitByCount, sized.data(), &count, &all, &rest, flags, unit);
    else rest = all;
    sized.resize(count);
    if (rest.sm.smCount > 0) remainder.push_back(rest);
  } else {
    for (size_t g = 0; g < available; ++g)
      if (!toRemainder[g]) sized.push_back(units.groups[g]);
    if (units.rest.sm.smCount > 0) remainder.push_back(units.rest);
    for (const unsigned int group : remainderGroups) remainder.push_back(units.groups[group]);
  }

  std::vector<std::shared_ptr<GreenContextResource>> partitions;
  size_t next = 0;
  for (const size_t n : needed) {
    partitions.push_back(CreateGreenContext(device, {sized.begin() + next, sized.begin() + next + n}));
    next += n;
  }
  if (includeRemainder && !remainder.empty()) partitions.push_back(CreateGreenContext(device, remainder));
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
  const UnitSplit units = SplitIntoUnits(all, 0);
  support.Set("groupCount", static_cast<double>(units.groups.size()));
  support.Set("groupSms", units.unit);
  support.Set("leftoverSms", units.rest.sm.smCount);
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
