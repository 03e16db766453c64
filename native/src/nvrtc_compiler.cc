#include "nvrtc_compiler.h"

#include <string>
#include <vector>

#include "nvrtc_api.h"
#include "promise_worker.h"

namespace nanoweave {

namespace {

class CompileWorker : public PromiseWorker {
 public:
  CompileWorker(Napi::Env env, std::string source, std::string name, std::vector<std::string> options)
      : PromiseWorker(env, "nanoweave:nvrtc"),
        source_(std::move(source)),
        name_(std::move(name)),
        options_(std::move(options)) {}

 private:
  // Destroys the program however compilation ends.
  struct ProgramOwner {
    nvrtc::Program program = nullptr;
    ~ProgramOwner() {
      if (program != nullptr) nvrtc::Nvrtc().nvrtcDestroyProgram(&program);
    }
  };

  void Run() override {
    ProgramOwner owner;
    NVRTC_CALL(nvrtcCreateProgram, &owner.program, source_.c_str(), name_.c_str(), 0, nullptr, nullptr);
    std::vector<const char*> options;
    for (const auto& option : options_) options.push_back(option.c_str());
    const nvrtc::Result compiled = nvrtc::Nvrtc().nvrtcCompileProgram(
        owner.program, static_cast<int>(options.size()), options.data());
    log_ = ReadLog(owner.program);
    nvrtc::Check(compiled, "nvrtcCompileProgram", "compiling " + name_ + ":\n" + log_);
    std::size_t size = 0;
    NVRTC_CALL(nvrtcGetCUBINSize, owner.program, &size);
    image_.resize(size);
    NVRTC_CALL(nvrtcGetCUBIN, owner.program, image_.data());
  }

  static std::string ReadLog(nvrtc::Program program) {
    std::size_t size = 0;
    NVRTC_CALL(nvrtcGetProgramLogSize, program, &size);
    std::string log(size, '\0');
    NVRTC_CALL(nvrtcGetProgramLog, program, log.data());
    while (!log.empty() && (log.back() == '\0' || log.back() == '\n')) log.pop_back();
    return log;
  }

  Napi::Value Result(Napi::Env env) override {
    Napi::Object result = Napi::Object::New(env);
    Napi::Uint8Array image = Napi::Uint8Array::New(env, image_.size());
    std::copy(image_.begin(), image_.end(), image.Data());
    result.Set("image", image);
    result.Set("log", log_);
    return result;
  }

  std::string source_;
  std::string name_;
  std::vector<std::string> options_;
  std::string log_;
  std::vector<char> image_;
};

}  // namespace

Napi::Value CompileProgram(const Napi::CallbackInfo& info) {
  return GuardJs(info.Env(), [&] {
    const auto optionArray = info[2].As<Napi::Array>();
    std::vector<std::string> options;
    for (uint32_t i = 0; i < optionArray.Length(); ++i) options.push_back(optionArray.Get(i).As<Napi::String>().Utf8Value());
    nvrtc::Nvrtc();  // a missing library throws here, on the JS thread, with the paths searched
    auto* worker = new CompileWorker(info.Env(), info[0].As<Napi::String>().Utf8Value(),
                                     info[1].As<Napi::String>().Utf8Value(), std::move(options));
    return worker->Start();
  });
}

}  // namespace nanoweave
