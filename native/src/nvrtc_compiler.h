// Run-time compilation of CUDA C++ with NVRTC, off the JS thread. Caching and the choice of
// options (architecture, include paths) are the TypeScript layer's.
#pragma once

#include <napi.h>

namespace nanoweave {

// compileProgram(source, name, options[]) -> Promise<{image: Uint8Array (cubin), log: string}>.
// A compile error rejects with an NVRTC error whose `detail` holds the compiler log.
Napi::Value CompileProgram(const Napi::CallbackInfo& info);

}  // namespace nanoweave
