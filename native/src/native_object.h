// Base of every JS-visible native object: it owns one resource through a shared_ptr (so children
// can keep their parent's resource alive), makes dispose() idempotent, tags instances so a wrong
// object passed from JS is reported instead of crashing, and turns NativeError into JS errors.
#pragma once

#include <napi.h>

#include <memory>
#include <string>
#include <unordered_map>

#include "native_error.h"

namespace nanoweave {

// Constructors of the native classes, per environment (worker threads each have their own).
class ConstructorRegistry {
 public:
  static void Register(Napi::Env env, const napi_type_tag* tag, Napi::Function constructor);
  static Napi::Function Get(Napi::Env env, const napi_type_tag* tag);

 private:
  std::unordered_map<const napi_type_tag*, Napi::FunctionReference> constructors_;
};

// T declares: `static constexpr const char* kClassName`, `static const napi_type_tag kTypeTag`,
// a constructor taking (const Napi::CallbackInfo&) that forwards to NativeObject, and
// `static void Init(Napi::Env, Napi::Object exports)` calling Define().
template <typename T, typename Resource>
class NativeObject : public Napi::ObjectWrap<T> {
 public:
  using Base = NativeObject<T, Resource>;
  using Method = Napi::Value (T::*)(const Napi::CallbackInfo&);

  // Makes a JS instance that owns resource.
  static Napi::Object New(Napi::Env env, std::shared_ptr<Resource> resource) {
    return ConstructorRegistry::Get(env, &T::kTypeTag).New({Napi::External<std::shared_ptr<Resource>>::New(env, &resource)});
  }

  // The live resource of a T passed from JS as `role`; throws NativeError::Misuse otherwise.
  static const std::shared_ptr<Resource>& From(const Napi::Value& value, const char* role) {
    if (!value.IsObject() || !value.As<Napi::Object>().CheckTypeTag(&T::kTypeTag)) {
      throw NativeError::Misuse(std::string("Expected a ") + T::kClassName + " for " + role);
    }
    T* object = Napi::ObjectWrap<T>::Unwrap(value.As<Napi::Object>());
    if (!object->resource_) {
      throw NativeError::Misuse(std::string("The ") + T::kClassName + " passed as " + role + " was disposed");
    }
    return object->resource_;
  }

 protected:
  explicit NativeObject(const Napi::CallbackInfo& info) : Napi::ObjectWrap<T>(info) {
    if (info.Length() != 1 || !info[0].IsExternal()) {
      throw Napi::TypeError::New(info.Env(), std::string(T::kClassName) + " objects are made by the addon, not with new");
    }
    info.This().As<Napi::Object>().TypeTag(&T::kTypeTag);
    resource_ = std::move(*info[0].As<Napi::External<std::shared_ptr<Resource>>>().Data());
  }

  // Defines the JS class with the given members plus dispose() and the `disposed` getter.
  static void Define(Napi::Env env, Napi::Object exports, std::vector<typename Napi::ObjectWrap<T>::PropertyDescriptor> members) {
    members.push_back(Napi::ObjectWrap<T>::InstanceMethod("dispose", static_cast<Method>(&Base::Dispose)));
    members.push_back(Napi::ObjectWrap<T>::InstanceAccessor("disposed", static_cast<Method>(&Base::IsDisposed), nullptr));
    Napi::Function constructor = Napi::ObjectWrap<T>::DefineClass(env, T::kClassName, members);
    ConstructorRegistry::Register(env, &T::kTypeTag, constructor);
    exports.Set(T::kClassName, constructor);
  }

  // A method that needs the live resource: refused once disposed, NativeError turned into JS.
  template <Method method>
  static typename Napi::ObjectWrap<T>::PropertyDescriptor Guarded(const char* name) {
    return Napi::ObjectWrap<T>::InstanceMethod(name, static_cast<Method>(&Base::template CallGuarded<method>));
  }

  // The same for a getter.
  template <Method getter>
  static typename Napi::ObjectWrap<T>::PropertyDescriptor GuardedGetter(const char* name) {
    return Napi::ObjectWrap<T>::InstanceAccessor(name, static_cast<Method>(&Base::template CallGuarded<getter>), nullptr);
  }

  Resource& resource() { return *resource_; }
  const std::shared_ptr<Resource>& shared() { return resource_; }

 private:
  template <Method method>
  Napi::Value CallGuarded(const Napi::CallbackInfo& info) {
    return GuardJs(info.Env(), [&] {
      if (!resource_) throw NativeError::Misuse(std::string("This ") + T::kClassName + " was disposed");
      return (static_cast<T*>(this)->*method)(info);
    });
  }

  // Idempotent: releases this object's hold on the resource (children may still hold it).
  Napi::Value Dispose(const Napi::CallbackInfo& info) {
    resource_.reset();
    return info.Env().Undefined();
  }

  Napi::Value IsDisposed(const Napi::CallbackInfo& info) {
    return Napi::Boolean::New(info.Env(), !resource_);
  }

  std::shared_ptr<Resource> resource_;
};

}  // namespace nanoweave
