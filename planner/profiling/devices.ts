/** The `--devices` list: GPU ordinals, checked first for form, then against the GPUs present. */
import { InputError } from "../errors.js";

export interface VisibleDevice {
  ordinal: number;
  name: string;
}

/** "0,1,2,3" → [0, 1, 2, 3]; undefined when the option was not given. */
export function parseDeviceList(text: string | undefined): number[] | undefined {
  if (text === undefined) return undefined;
  const parts = text.split(",").map((part) => part.trim());
  const ordinals = parts.map((part) => (/^\d+$/.test(part) ? Number(part) : NaN));
  const bad = parts.filter((_, index) => Number.isNaN(ordinals[index]));
  if (parts.length === 0 || bad.length > 0) {
    throw new InputError(`--devices takes GPU ordinals separated by commas, such as 0,1,2,3; "${bad[0] ?? text}" is not one`, "--devices");
  }
  const repeated = ordinals.find((ordinal, index) => ordinals.indexOf(ordinal) !== index);
  if (repeated !== undefined) throw new InputError(`--devices names GPU ${repeated} twice`, "--devices");
  return ordinals;
}

/**
 * The devices to use: the ones asked for, which must exist and be alike (a profile is of one GPU
 * model), or every visible GPU.
 */
export function chooseDevices(requested: readonly number[] | undefined, visible: readonly VisibleDevice[]): VisibleDevice[] {
  const listing = visible.map((device) => `${device.ordinal} (${device.name})`).join(", ");
  const chosen = (requested ?? visible.map((device) => device.ordinal)).map((ordinal) => {
    const device = visible.find((candidate) => candidate.ordinal === ordinal);
    if (!device) throw new InputError(`--devices: there is no GPU ${ordinal}; this machine has ${listing}`, "--devices");
    return device;
  });
  const other = chosen.find((device) => device.name !== chosen[0]!.name);
  if (other) {
    throw new InputError(`--devices mixes ${chosen[0]!.name} and ${other.name}; a profile is of one GPU model: list GPUs of one kind (${listing})`, "--devices");
  }
  return chosen;
}
