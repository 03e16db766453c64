#include "nccl_communicators.h"

#include "device.h"
#include "device_buffer.h"
#include "promise_worker.h"
#include "stream.h"

namespace nanoweave {

namespace {

class InitWorker : public PromiseWorker {
 public:
  InitWorker(Napi::Env env, std::vector<std::shared_ptr<DeviceContext>> devices, nccl::Config config)
      : PromiseWorker(env, "nanoweave:nccl-init"), config_(config) {
    resource_ = std::make_shared<NcclCommunicatorsResource>();
    resource_->devices = std::move(devices);
  }

 private:
  void Run() override {
    const int ranks = static_cast<int>(resource_->devices.size());
    nccl::UniqueId id{};
    NCCL_CALL(ncclGetUniqueId, &id);
    // NCCL's init switches the thread's current context (NCCL #1736): put it back afterwards.
    CurrentContextRestorer restorer;
    resource_->comms.assign(ranks, nullptr);
    NCCL_CALL(ncclGroupStart);
    nccl::Result initResult = nccl::kSuccess;
    for (int rank = 0; rank < ranks && initResult == nccl::kSuccess; ++rank) {
      resource_->devices[rank]->MakeCurrentQuietly();  // no throw while the group is open
      nccl::Config config = config_;  // NCCL may write into it
      initResult = nccl::Nccl().ncclCommInitRankConfig(&resource_->comms[rank], ranks, id, rank, &config);
    }
    const nccl::Result endResult = nccl::Nccl().ncclGroupEnd();
    nccl::Check(initResult, "ncclCommInitRankConfig");
    nccl::Check(endResult, "ncclGroupEnd");
  }

  Napi::Value Result(Napi::Env env) override { return NcclCommunicators::New(env, resource_); }

  nccl::Config config_;
  std::shared_ptr<NcclCommunicatorsResource> resource_;  // frees whatever was made if init fails
};

}  // namespace

const napi_type_tag NcclCommunicators::kTypeTag = {0x6e616e6f77656176ULL, 0x0000000000000009ULL};

NcclCommunicatorsResource::~NcclCommunicatorsResource() {
  if (comms.empty()) return;
  // Finalize every rank together first: destroying one rank of a clique alone waits for the
  // others, and one thread drives them all.
  const nccl::NcclApi& api = nccl::Nccl();
  api.ncclGroupStart();
  for (size_t rank = 0; rank < comms.size(); ++rank) {
    if (comms[rank] == nullptr) continue;
    devices[rank]->MakeCurrentQuietly();
    api.ncclCommFinalize(comms[rank]);
  }
  api.ncclGroupEnd();
  for (size_t rank = 0; rank < comms.size(); ++rank) {
    if (comms[rank] == nullptr) continue;
    devices[rank]->MakeCurrentQuietly();
    api.ncclCommDestroy(comms[rank]);
  }
}

void NcclCommunicators::Init(Napi::Env env, Napi::Object exports) {
  Define(env, exports,
         {GuardedGetter<&NcclCommunicators::Size>("size"), Guarded<&NcclCommunicators::AllReduce>("allReduce")});
}

Napi::Value NcclCommunicators::Create(const Napi::CallbackInfo& info) {
  return GuardJs(info.Env(), [&] {
    const auto deviceArray = info[0].As<Napi::Array>();
    std::vector<std::shared_ptr<DeviceContext>> devices;
    for (uint32_t i = 0; i < deviceArray.Length(); ++i) devices.push_back(Device::From(deviceArray.Get(i), "an NCCL rank's device"));
    const auto options = info[1].As<Napi::Object>();
    nccl::Config config = nccl::DefaultConfig();
    if (options.Has("maxCTAs")) config.maxCTAs = options.Get("maxCTAs").As<Napi::Number>().Int32Value();
    if (options.Has("minCTAs")) config.minCTAs = options.Get("minCTAs").As<Napi::Number>().Int32Value();
    nccl::Nccl();  // a missing library throws here, on the JS thread, with the paths searched
    return (new InitWorker(info.Env(), std::move(devices), config))->Start();
  });
}

Napi::Value NcclCommunicators::Size(const Napi::CallbackInfo& info) {
  return Napi::Number::New(info.Env(), static_cast<double>(resource().comms.size()));
}

// allReduce(ops: [{rank, send, sendByteOffset, receive, receiveByteOffset, count, bfloat16, stream}])
// Sum over ranks, issued as one NCCL group (one thread drives every rank). Arguments are all read
// before the group opens, so a bad one cannot leave a group half issued.
Napi::Value NcclCommunicators::AllReduce(const Napi::CallbackInfo& info) {
  struct Operation {
    uint32_t rank;
    cu::DevicePtr send;
    cu::DevicePtr receive;
    std::size_t count;
    int dataType;
    cu::Stream stream;
  };
  const auto operationArray = info[0].As<Napi::Array>();
  std::vector<Operation> operations;
  for (uint32_t i = 0; i < operationArray.Length(); ++i) {
    const auto op = operationArray.Get(i).As<Napi::Object>();
    const uint32_t rank = op.Get("rank").As<Napi::Number>().Uint32Value();
    if (rank >= resource().comms.size()) throw NativeError::Misuse("All-reduce rank " + std::to_string(rank) + " does not exist");
    operations.push_back(
        {rank, DeviceBuffer::AddressOf(op.Get("send"), op.Get("sendByteOffset"), "the all-reduce input"),
         DeviceBuffer::AddressOf(op.Get("receive"), op.Get("receiveByteOffset"), "the all-reduce output"),
         static_cast<std::size_t>(op.Get("count").As<Napi::Number>().Int64Value()),
         op.Get("bfloat16").As<Napi::Boolean>().Value() ? nccl::kDataTypeBfloat16 : nccl::kDataTypeFloat32,
         Stream::HandleOf(op.Get("stream"), "the all-reduce stream")});
  }
  CurrentContextRestorer restorer;
  NCCL_CALL(ncclGroupStart);
  nccl::Result result = nccl::kSuccess;
  for (const Operation& op : operations) {
    resource().devices[op.rank]->MakeCurrentQuietly();
    result = nccl::Nccl().ncclAllReduce(reinterpret_cast<const void*>(op.send), reinterpret_cast<void*>(op.receive),
                                        op.count, op.dataType, nccl::kRedOpSum, resource().comms[op.rank], op.stream);
    if (result != nccl::kSuccess) break;
  }
  const nccl::Result endResult = nccl::Nccl().ncclGroupEnd();
  nccl::Check(result, "ncclAllReduce");
  nccl::Check(endResult, "ncclGroupEnd");
  return info.Env().Undefined();
}

}  // namespace nanoweave
