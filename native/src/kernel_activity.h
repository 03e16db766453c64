// Every kernel's start and end on the GPU between startKernelActivity() and stopKernelActivity(), as
// CUPTI's activity API records them: graph kernel nodes included, with nothing added to the work
// (no events, no serialisation). The co-run trace of `nanoweave run` reads a layer's kernels from it.
// CUPTI's activity recording is process-wide, so there is one recording at a time.
#pragma once

#include <napi.h>

namespace nanoweave {

// startKernelActivity(): starts recording; throws when CUPTI is missing or a recording is open.
Napi::Value StartKernelActivity(const Napi::CallbackInfo& info);
// stopKernelActivity() -> {startNs: Float64Array, endNs: Float64Array, device: Uint32Array,
// graphNode: BigUint64Array, name: string[]}: one entry per kernel, times from the earliest start; graphNode is CUPTI's
// id of the graph node that ran it (0 outside graphs). Throws if CUPTI dropped any record.
Napi::Value StopKernelActivity(const Napi::CallbackInfo& info);

}  // namespace nanoweave
