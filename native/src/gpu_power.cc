#include "gpu_power.h"

#include <string>

#include "native_error.h"
#include "nvml_api.h"

namespace nanoweave {

Napi::Value ReadGpuPower(const Napi::CallbackInfo& info) {
  return GuardJs(info.Env(), [&]() -> Napi::Value {
    const std::string busId = info[0].As<Napi::String>().Utf8Value();
    nvml::Device device = nullptr;
    NVML_CALL(nvmlDeviceGetHandleByPciBusId_v2, busId.c_str(), &device);
    unsigned long long energy = 0;
    NVML_CALL(nvmlDeviceGetTotalEnergyConsumption, device, &energy);
    unsigned int limit = 0, draw = 0, clock = 0;
    NVML_CALL(nvmlDeviceGetEnforcedPowerLimit, device, &limit);
    NVML_CALL(nvmlDeviceGetPowerUsage, device, &draw);
    NVML_CALL(nvmlDeviceGetClockInfo, device, nvml::kClockSm, &clock);
    nvml::ViolationTime power{}, thermal{};
    NVML_CALL(nvmlDeviceGetViolationStatus, device, nvml::kPerfPolicyPower, &power);
    NVML_CALL(nvmlDeviceGetViolationStatus, device, nvml::kPerfPolicyThermal, &thermal);
    Napi::Object reading = Napi::Object::New(info.Env());
    reading.Set("energyMillijoules", static_cast<double>(energy));
    reading.Set("powerLimitMilliwatts", limit);
    reading.Set("powerDrawMilliwatts", draw);
    reading.Set("smClockMhz", clock);
    reading.Set("powerCappedNs", static_cast<double>(power.violationTime));
    reading.Set("thermalCappedNs", static_cast<double>(thermal.violationTime));
    reading.Set("readAtUs", static_cast<double>(power.referenceTime));
    return reading;
  });
}

}  // namespace nanoweave
