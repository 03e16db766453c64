#include "nvrtc_build.h"

#include <fstream>
#include <sstream>

namespace {

std::string read_file(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) throw std::runtime_error("cannot read " + path);
  std::stringstream text;
  text << in.rdbuf();
  return text.str();
}

std::string program_log(nvrtcProgram program) {
  size_t size = 0;
  nvrtcGetProgramLogSize(program, &size);
  std::string log(size, '\0');
  if (size) nvrtcGetProgramLog(program, log.data());
  return log;
}

}  // namespace

BuiltKernels build_kernel_source(const std::string& path, const std::string& include_dir, CUdevice device,
                                 const std::vector<std::string>& extra_options) {
  int major = 0, minor = 0;
  CU(cuDeviceGetAttribute(&major, CU_DEVICE_ATTRIBUTE_COMPUTE_CAPABILITY_MAJOR, device));
  CU(cuDeviceGetAttribute(&minor, CU_DEVICE_ATTRIBUTE_COMPUTE_CAPABILITY_MINOR, device));
  const std::string source = read_file(path);
  nvrtcProgram program;
  NVRTC(nvrtcCreateProgram(&program, source.c_str(), path.c_str(), 0, nullptr, nullptr));
  const std::string arch = "--gpu-architecture=sm_" + std::to_string(major) + std::to_string(minor);
  const std::string include = "--include-path=" + include_dir;
  std::vector<const char*> options = {arch.c_str(), include.c_str(), "--std=c++17"};
  for (const std::string& option : extra_options) options.push_back(option.c_str());
  const nvrtcResult compiled = nvrtcCompileProgram(program, int(options.size()), options.data());
  const std::string log = program_log(program);
  if (compiled != NVRTC_SUCCESS) {
    nvrtcDestroyProgram(&program);
    throw std::runtime_error("NVRTC failed on " + path + ": " + nvrtcGetErrorString(compiled) + "\n" + log);
  }
  size_t size = 0;
  NVRTC(nvrtcGetCUBINSize(program, &size));
  BuiltKernels built;
  built.cubin.resize(size);
  NVRTC(nvrtcGetCUBIN(program, built.cubin.data()));
  nvrtcDestroyProgram(&program);
  CU(cuLibraryLoadData(&built.library, built.cubin.data(), nullptr, nullptr, 0, nullptr, nullptr, 0));
  return built;
}

std::string nvrtc_version() {
  int major = 0, minor = 0;
  NVRTC(nvrtcVersion(&major, &minor));
  return std::to_string(major) + "." + std::to_string(minor);
}
