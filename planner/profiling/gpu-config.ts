/**
 * Which configs/gpus entry a device is: the profile is written as profiles/<its id>.json, where the
 * planner looks for it. A config matches when one of its names or aliases appears in the device's
 * name (letters and digits only: "h100-80gb" in "NVIDIA H100 80GB HBM3") and its SM count and
 * memory agree with the device's.
 */
import { listGpus, resolveGpu, type GpuSpec } from "../config/index.js";
import { InputError } from "../errors.js";
import type { DeviceFacts } from "./measurer.js";

/** Memory may differ a little from the spec (what the driver reserves). */
const MEMORY_TOLERANCE = 0.1;

export async function gpuConfigFor(device: Pick<DeviceFacts, "name" | "sms" | "memoryGiB">, requested: string | undefined, gpus?: readonly GpuSpec[]): Promise<GpuSpec> {
  if (requested !== undefined) {
    const gpu = await resolveGpu(requested);
    if (gpu.sms !== device.sms) {
      throw new InputError(`--gpu-config ${gpu.name} has ${gpu.sms} SMs but the device, ${device.name}, has ${device.sms}`, "--gpu-config");
    }
    return gpu;
  }
  const candidates = gpus ?? (await listGpus());
  const deviceName = compact(device.name);
  const matches = candidates.filter(
    (gpu) =>
      gpu.sms === device.sms &&
      Math.abs(gpu.memoryGiB - device.memoryGiB) <= MEMORY_TOLERANCE * gpu.memoryGiB &&
      [gpu.name, ...gpu.aliases].some((name) => deviceName.includes(compact(name))),
  );
  if (matches.length === 1) return matches[0]!;
  const known = candidates.map((gpu) => `  ${gpu.id}: ${gpu.name} (${gpu.sms} SMs, ${gpu.memoryGiB} GiB)`).join("\n");
  const what = matches.length === 0 ? "matches no GPU config" : `matches ${matches.map((gpu) => gpu.id).join(" and ")}`;
  throw new InputError(
    `${device.name} (${device.sms} SMs, ${device.memoryGiB.toFixed(1)} GiB) ${what}. GPU configs:\n${known}\n` +
      "Name one with --gpu-config, or add configs/gpus/<id>.json for this GPU",
    "--gpu-config",
  );
}

function compact(name: string): string {
  return name.toLowerCase().replace(/[^a-z0-9]/g, "");
}
