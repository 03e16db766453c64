// Read-only questions about the machine: which GPU libraries load (and from where, in which
// version), the driver, the devices and their green-context granularity. `nanoweave doctor` asks
// these; none of them creates a context.
#pragma once

#include <napi.h>

namespace nanoweave {

// libraryInfo("cuda" | "cublas" | "nccl" | "nvrtc" | "nvml" | "cupti") -> {path, version}; throws the loader's error.
Napi::Value LibraryInfo(const Napi::CallbackInfo& info);
// librarySearchDirectories() -> string[]: where libraries are looked for, in order.
Napi::Value SearchDirectories(const Napi::CallbackInfo& info);
// listDevices() -> [{ordinal, name, smCount, totalMemoryBytes, computeCapability, pciBusId, ...}]
Napi::Value ListDevices(const Napi::CallbackInfo& info);
// greenContextSupport(ordinal) -> {supported, reason?, smCount?, minPartitionSms?, alignment?}
Napi::Value GreenContextSupport(const Napi::CallbackInfo& info);

}  // namespace nanoweave
