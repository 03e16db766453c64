// Long native work (NVRTC compiles, NCCL initialisation) runs on libuv's thread pool and settles
// a Promise; a NativeError thrown by the work rejects it with the same JS error as a sync call.
#pragma once

#include <napi.h>

#include <optional>

#include "native_error.h"

namespace nanoweave {

class PromiseWorker : public Napi::AsyncWorker {
 public:
  // Queues the work; the worker deletes itself when it completes.
  Napi::Promise Start() {
    Napi::Promise promise = deferred_.Promise();
    Queue();
    return promise;
  }

 protected:
  PromiseWorker(Napi::Env env, const char* name)
      : Napi::AsyncWorker(env, name), deferred_(Napi::Promise::Deferred::New(env)) {}

  // Off the JS thread: touch no JS value. May throw NativeError.
  virtual void Run() = 0;
  // Back on the JS thread: the promise's value.
  virtual Napi::Value Result(Napi::Env env) = 0;

 private:
  void Execute() final {
    try {
      Run();
    } catch (const NativeError& error) {
      failure_ = error;
      SetError(error.what());
    }
  }

  void OnOK() final {
    try {
      deferred_.Resolve(GuardJs(Env(), [&] { return Result(Env()); }));
    } catch (const Napi::Error& error) {
      deferred_.Reject(error.Value());
    }
  }

  void OnError(const Napi::Error& error) final {
    deferred_.Reject(failure_ ? failure_->ToJsError(Env()).Value() : error.Value());
  }

  Napi::Promise::Deferred deferred_;
  std::optional<NativeError> failure_;
};

}  // namespace nanoweave
