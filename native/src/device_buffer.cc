#include "device_buffer.h"

#include "stream.h"

namespace nanoweave {

namespace {

// Host bytes of a typed array or DataView argument, bounds included.
struct HostRange {
  uint8_t* data;
  std::size_t bytes;
};

HostRange HostRangeOf(const Napi::Value& value, const char* role) {
  if (!value.IsTypedArray()) throw NativeError::Misuse(std::string("Expected a typed array for ") + role);
  const auto view = value.As<Napi::TypedArray>();
  return {static_cast<uint8_t*>(view.ArrayBuffer().Data()) + view.ByteOffset(), view.ByteLength()};
}

void CheckWithin(std::size_t offset, std::size_t bytes, std::size_t capacity, const char* what) {
  if (offset > capacity || bytes > capacity - offset) {
    throw NativeError::Misuse(std::string(what) + " runs past the end of the device buffer");
  }
}

}  // namespace

const napi_type_tag DeviceBuffer::kTypeTag = {0x6e616e6f77656176ULL, 0x0000000000000001ULL};

DeviceAllocation::DeviceAllocation(std::shared_ptr<DeviceContext> owner, std::size_t size)
    : device(std::move(owner)), bytes(size) {
  device->MakeCurrent();
  CU_CALL(cuMemAlloc, &pointer, bytes == 0 ? 1 : bytes);
}

DeviceAllocation::~DeviceAllocation() { cu::Driver().cuMemFree(pointer); }

void DeviceBuffer::Init(Napi::Env env, Napi::Object exports) {
  Define(env, exports,
         {GuardedGetter<&DeviceBuffer::ByteLength>("byteLength"),
          GuardedGetter<&DeviceBuffer::Address>("address"),
          Guarded<&DeviceBuffer::Upload>("upload"),
          Guarded<&DeviceBuffer::Download>("download"),
          Guarded<&DeviceBuffer::Fill>("fill"),
          Guarded<&DeviceBuffer::CopyFrom>("copyFrom")});
}

cu::DevicePtr DeviceBuffer::AddressOf(const Napi::Value& value, const Napi::Value& byteOffset, const char* role) {
  return From(value, role)->pointer + byteOffset.As<Napi::Number>().Int64Value();
}

Napi::Value DeviceBuffer::ByteLength(const Napi::CallbackInfo& info) {
  return Napi::Number::New(info.Env(), static_cast<double>(resource().bytes));
}

Napi::Value DeviceBuffer::Address(const Napi::CallbackInfo& info) {
  return Napi::BigInt::New(info.Env(), static_cast<uint64_t>(resource().pointer));
}

// upload(byteOffset, source: TypedArray): synchronous host-to-device copy.
Napi::Value DeviceBuffer::Upload(const Napi::CallbackInfo& info) {
  const auto offset = static_cast<std::size_t>(info[0].As<Napi::Number>().Int64Value());
  const HostRange source = HostRangeOf(info[1], "the upload source");
  CheckWithin(offset, source.bytes, resource().bytes, "The upload");
  resource().device->MakeCurrent();
  CU_CALL(cuMemcpyHtoD, resource().pointer + offset, source.data, source.bytes);
  return info.Env().Undefined();
}

// download(byteOffset, target: TypedArray): synchronous device-to-host copy filling target.
Napi::Value DeviceBuffer::Download(const Napi::CallbackInfo& info) {
  const auto offset = static_cast<std::size_t>(info[0].As<Napi::Number>().Int64Value());
  const HostRange target = HostRangeOf(info[1], "the download target");
  CheckWithin(offset, target.bytes, resource().bytes, "The download");
  resource().device->MakeCurrent();
  CU_CALL(cuMemcpyDtoH, target.data, resource().pointer + offset, target.bytes);
  return info.Env().Undefined();
}

// fill(byteOffset, count, elementBytes: 1|2|4, bitPattern, stream): asynchronous memset.
Napi::Value DeviceBuffer::Fill(const Napi::CallbackInfo& info) {
  const auto offset = static_cast<std::size_t>(info[0].As<Napi::Number>().Int64Value());
  const auto count = static_cast<std::size_t>(info[1].As<Napi::Number>().Int64Value());
  const uint32_t elementBytes = info[2].As<Napi::Number>().Uint32Value();
  const uint32_t pattern = info[3].As<Napi::Number>().Uint32Value();
  const cu::Stream stream = Stream::HandleOf(info[4], "the fill stream");
  CheckWithin(offset, count * elementBytes, resource().bytes, "The fill");
  const cu::DevicePtr start = resource().pointer + offset;
  resource().device->MakeCurrent();
  switch (elementBytes) {
    case 1: CU_CALL(cuMemsetD8Async, start, static_cast<unsigned char>(pattern), count, stream); break;
    case 2: CU_CALL(cuMemsetD16Async, start, static_cast<unsigned short>(pattern), count, stream); break;
    case 4: CU_CALL(cuMemsetD32Async, start, pattern, count, stream); break;
    default: throw NativeError::Misuse("fill element size must be 1, 2 or 4 bytes");
  }
  return info.Env().Undefined();
}

// copyFrom(source, sourceOffset, byteOffset, bytes, stream): asynchronous device-to-device copy.
Napi::Value DeviceBuffer::CopyFrom(const Napi::CallbackInfo& info) {
  const auto& source = From(info[0], "the copy source");
  const auto sourceOffset = static_cast<std::size_t>(info[1].As<Napi::Number>().Int64Value());
  const auto offset = static_cast<std::size_t>(info[2].As<Napi::Number>().Int64Value());
  const auto bytes = static_cast<std::size_t>(info[3].As<Napi::Number>().Int64Value());
  const cu::Stream stream = Stream::HandleOf(info[4], "the copy stream");
  CheckWithin(sourceOffset, bytes, source->bytes, "The copy source range");
  CheckWithin(offset, bytes, resource().bytes, "The copy target range");
  resource().device->MakeCurrent();
  CU_CALL(cuMemcpyDtoDAsync, resource().pointer + offset, source->pointer + sourceOffset, bytes, stream);
  return info.Env().Undefined();
}

}  // namespace nanoweave
