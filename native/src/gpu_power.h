// One reading of a GPU's power state through NVML: the energy counter, the enforced power limit,
// the draw, the SM clock and how long the power and thermal limiters have held the clocks down.
// Two readings around some work give its energy, average power and the share of it spent capped.
#pragma once

#include <napi.h>

namespace nanoweave {

// readGpuPower(pciBusId) -> {energyMillijoules, powerLimitMilliwatts, powerDrawMilliwatts,
//   smClockMhz, powerCappedNs, thermalCappedNs, readAtUs}; throws when NVML is missing or refuses.
Napi::Value ReadGpuPower(const Napi::CallbackInfo& info);

}  // namespace nanoweave
