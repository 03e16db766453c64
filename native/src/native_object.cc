#include "native_object.h"

namespace nanoweave {

namespace {

ConstructorRegistry& RegistryOf(Napi::Env env) {
  auto* registry = env.GetInstanceData<ConstructorRegistry>();
  if (registry == nullptr) {
    registry = new ConstructorRegistry();
    env.SetInstanceData(registry);  // deleted by Node when the environment ends
  }
  return *registry;
}

}  // namespace

void ConstructorRegistry::Register(Napi::Env env, const napi_type_tag* tag, Napi::Function constructor) {
  RegistryOf(env).constructors_[tag] = Napi::Persistent(constructor);
}

Napi::Function ConstructorRegistry::Get(Napi::Env env, const napi_type_tag* tag) {
  return RegistryOf(env).constructors_.at(tag).Value();
}

}  // namespace nanoweave
