#include "kernel_library.h"

#include <cstring>
#include <vector>

#include "device_buffer.h"
#include "stream.h"

namespace nanoweave {

namespace {

// Kinds of launch argument, as runtime/binding/AddonTypes.ts numbers them (KernelArgKind).
enum class ArgKind : int { Pointer = 0, Int32 = 1, Uint32 = 2, Float32 = 3, Int64 = 4 };

// One 8-byte slot per argument: the driver reads each parameter's size from the kernel's own
// signature, from the start of its slot (little-endian), so 4-byte values sit in the low bytes.
std::vector<uint64_t> PackArguments(const Napi::Array& arguments) {
  std::vector<uint64_t> slots(arguments.Length(), 0);
  for (uint32_t i = 0; i < arguments.Length(); ++i) {
    const auto argument = arguments.Get(i).As<Napi::Array>();
    const auto kind = static_cast<ArgKind>(argument.Get(0u).As<Napi::Number>().Int32Value());
    const Napi::Value value = argument.Get(1u);
    uint64_t& slot = slots[i];
    switch (kind) {
      case ArgKind::Pointer:
        slot = DeviceBuffer::AddressOf(value, argument.Get(2u), "a kernel pointer argument");
        break;
      case ArgKind::Int32: {
        const int32_t v = value.As<Napi::Number>().Int32Value();
        std::memcpy(&slot, &v, sizeof v);
        break;
      }
      case ArgKind::Uint32: {
        const uint32_t v = value.As<Napi::Number>().Uint32Value();
        std::memcpy(&slot, &v, sizeof v);
        break;
      }
      case ArgKind::Float32: {
        const float v = value.As<Napi::Number>().FloatValue();
        std::memcpy(&slot, &v, sizeof v);
        break;
      }
      case ArgKind::Int64: {
        bool lossless = true;
        const int64_t v = value.As<Napi::BigInt>().Int64Value(&lossless);
        std::memcpy(&slot, &v, sizeof v);
        break;
      }
      default:
        throw NativeError::Misuse("Unknown kernel argument kind " + std::to_string(static_cast<int>(kind)));
    }
  }
  return slots;
}

unsigned int Dimension(const Napi::Array& dims, uint32_t axis) {
  return dims.Get(axis).As<Napi::Number>().Uint32Value();
}

}  // namespace

const napi_type_tag KernelLibrary::kTypeTag = {0x6e616e6f77656176ULL, 0x0000000000000007ULL};
const napi_type_tag Kernel::kTypeTag = {0x6e616e6f77656176ULL, 0x0000000000000008ULL};

KernelLibraryResource::~KernelLibraryResource() {
  device->MakeCurrentQuietly();
  cu::Driver().cuLibraryUnload(library);
}

void KernelLibrary::Init(Napi::Env env, Napi::Object exports) {
  Define(env, exports, {Guarded<&KernelLibrary::GetKernel>("getKernel")});
}

Napi::Object KernelLibrary::Load(Napi::Env env, std::shared_ptr<DeviceContext> device, const Napi::Value& image) {
  if (!image.IsTypedArray()) throw NativeError::Misuse("Expected a typed array holding the kernel image");
  const auto bytes = image.As<Napi::TypedArray>();
  // A PTX image must end with a NUL; a cubin carries its own size. Copy so both hold.
  std::vector<uint8_t> copy(bytes.ByteLength() + 1, 0);
  std::memcpy(copy.data(), static_cast<uint8_t*>(bytes.ArrayBuffer().Data()) + bytes.ByteOffset(), bytes.ByteLength());
  device->MakeCurrent();
  cu::Library library = nullptr;
  CU_CALL(cuLibraryLoadData, &library, copy.data(), nullptr, nullptr, 0, nullptr, nullptr, 0);
  return New(env, std::make_shared<KernelLibraryResource>(std::move(device), library));
}

// getKernel(name): the extern "C" kernel of that name.
Napi::Value KernelLibrary::GetKernel(const Napi::CallbackInfo& info) {
  const std::string name = info[0].As<Napi::String>().Utf8Value();
  cu::Kernel kernel = nullptr;
  CU_CALL(cuLibraryGetKernel, &kernel, resource().library, name.c_str());
  return Kernel::New(info.Env(), std::make_shared<KernelResource>(KernelResource{shared(), kernel, name}));
}

void Kernel::Init(Napi::Env env, Napi::Object exports) {
  Define(env, exports,
         {GuardedGetter<&Kernel::Name>("name"), Guarded<&Kernel::Attributes>("attributes"),
          Guarded<&Kernel::SetMaxDynamicSharedMemory>("setMaxDynamicSharedMemory"),
          Guarded<&Kernel::Launch>("launch")});
}

Napi::Value Kernel::Name(const Napi::CallbackInfo& info) { return Napi::String::New(info.Env(), resource().name); }

// attributes(): registers, static shared and local memory, and the most threads a block can have.
Napi::Value Kernel::Attributes(const Napi::CallbackInfo& info) {
  const cu::Device device = resource().library->device->device();
  const auto read = [&](cu::FunctionAttribute attribute) {
    int value = 0;
    CU_CALL(cuKernelGetAttribute, &value, attribute, resource().kernel, device);
    return value;
  };
  Napi::Object attributes = Napi::Object::New(info.Env());
  attributes.Set("registersPerThread", read(cu::FunctionAttribute::NumRegs));
  attributes.Set("staticSharedBytes", read(cu::FunctionAttribute::SharedSizeBytes));
  attributes.Set("localBytesPerThread", read(cu::FunctionAttribute::LocalSizeBytes));
  attributes.Set("maxThreadsPerBlock", read(cu::FunctionAttribute::MaxThreadsPerBlock));
  attributes.Set("maxDynamicSharedBytes", read(cu::FunctionAttribute::MaxDynamicSharedSizeBytes));
  return attributes;
}

// setMaxDynamicSharedMemory(bytes): needed before launches asking for more than 48 KiB.
Napi::Value Kernel::SetMaxDynamicSharedMemory(const Napi::CallbackInfo& info) {
  CU_CALL(cuKernelSetAttribute, cu::FunctionAttribute::MaxDynamicSharedSizeBytes,
          info[0].As<Napi::Number>().Int32Value(), resource().kernel, resource().library->device->device());
  return info.Env().Undefined();
}

// launch(stream, grid[3], block[3], dynamicSharedBytes, arguments[[kind, value, byteOffset?]...])
Napi::Value Kernel::Launch(const Napi::CallbackInfo& info) {
  const cu::Stream stream = Stream::HandleOf(info[0], "the launch stream");
  const auto grid = info[1].As<Napi::Array>();
  const auto block = info[2].As<Napi::Array>();
  const uint32_t sharedBytes = info[3].As<Napi::Number>().Uint32Value();
  std::vector<uint64_t> slots = PackArguments(info[4].As<Napi::Array>());
  std::vector<void*> parameters(slots.size());
  for (size_t i = 0; i < slots.size(); ++i) parameters[i] = &slots[i];
  resource().library->device->MakeCurrent();
  CU_CALL(cuLaunchKernel, reinterpret_cast<cu::Function>(resource().kernel), Dimension(grid, 0),
          Dimension(grid, 1), Dimension(grid, 2), Dimension(block, 0), Dimension(block, 1),
          Dimension(block, 2), sharedBytes, stream, parameters.empty() ? nullptr : parameters.data(), nullptr);
  return info.Env().Undefined();
}

}  // namespace nanoweave
