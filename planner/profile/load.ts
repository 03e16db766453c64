/**
 * Finds the profile the planner plans from: a file given by the user, else the measured profile
 * shipped for the GPU (profiles/<gpu id>.json), else one derived from the GPU's specs.
 */
import { createHash } from "node:crypto";
import { existsSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { InputError } from "../errors.js";
import { parseWithSchema, readJsonText, type GpuSpec } from "../config/index.js";
import { analyticProfile, type AnalyticProfileRequest } from "./analytic.js";
import { ProfileSchema, type Profile } from "./schema.js";

/** profiles/ at the package root (this file is dist/planner/profile/load.js once built). */
export const PROFILES_DIR = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../../../profiles");

export interface LoadedProfile {
  profile: Profile;
  /** The file it came from, or undefined for a profile derived on the fly. */
  path: string | undefined;
  /**
   * What plans and messages call it: the path the user gave, or for a profile shipped with
   * nanoweave its path in the package (nanoweave/profiles/<gpu id>.json), the same wherever the
   * package is installed, so plans made on two machines from the same profile record the same file.
   */
  name: string | undefined;
  /** sha256 of the file's bytes (or of the derived profile's JSON). */
  sha256: string;
}

export function shippedProfilePath(gpu: GpuSpec): string {
  return path.join(PROFILES_DIR, `${gpu.id}.json`);
}

export async function readProfile(file: string): Promise<LoadedProfile> {
  const { text, value } = await readJsonText(file);
  const profile = parseWithSchema(ProfileSchema, value, file, "profile");
  return { profile, path: file, name: file, sha256: sha256(text) };
}

export async function loadProfileFor(
  gpu: GpuSpec,
  options: { profilePath?: string | undefined; analytic: AnalyticProfileRequest },
): Promise<LoadedProfile> {
  if (options.profilePath) {
    const loaded = await readProfile(options.profilePath);
    checkProfileMatchesGpu(loaded, gpu);
    return loaded;
  }
  const shipped = shippedProfilePath(gpu);
  if (existsSync(shipped)) {
    const loaded = { ...(await readProfile(shipped)), name: `nanoweave/profiles/${path.basename(shipped)}` };
    checkProfileMatchesGpu(loaded, gpu);
    return loaded;
  }
  const profile = analyticProfile(gpu, options.analytic);
  return { profile, path: undefined, name: undefined, sha256: sha256(JSON.stringify(profile)) };
}

function checkProfileMatchesGpu(loaded: LoadedProfile, gpu: GpuSpec): void {
  const { sms, gpu: name } = loaded.profile.provenance;
  if (sms !== gpu.sms) {
    throw new InputError(
      `profile ${loaded.path} was made on ${name} with ${sms} SMs, but --gpu ${gpu.name} has ${gpu.sms}; pass the matching --gpu or --profile`,
      "--profile",
    );
  }
}

function sha256(text: string): string {
  return createHash("sha256").update(text).digest("hex");
}
