/**
 * Loads the native addon built by `npm run build:native`. The planner never needs it; commands
 * and tests that do get an AddonNotBuiltError saying how to build it.
 */
import { existsSync } from "node:fs";
import { createRequire } from "node:module";
import { fileURLToPath } from "node:url";
import type { NanoweaveAddon } from "./AddonTypes.js";

/** cmake-js's output for `--out build`, from the package root (this file is dist/runtime/binding). */
export const DEFAULT_ADDON_PATH = fileURLToPath(new URL("../../../build/Release/nanoweave.node", import.meta.url));

/** The addon is not built, or the built file does not load here. */
export class AddonNotBuiltError extends Error {
  override name = "AddonNotBuiltError";
}

const HOW_TO_BUILD = "Build it with `npm run build:native` (needs g++ and CMake; CUDA is not needed to build).";

/** Where the addon is looked for: NANOWEAVE_ADDON_PATH when set, else the build output. */
export function addonPath(): string {
  return process.env.NANOWEAVE_ADDON_PATH || DEFAULT_ADDON_PATH;
}

let loaded: NanoweaveAddon | undefined;

export function loadAddon(): NanoweaveAddon {
  if (loaded) return loaded;
  const path = addonPath();
  if (!existsSync(path)) throw new AddonNotBuiltError(`The native addon is not built: ${path} does not exist. ${HOW_TO_BUILD}`);
  try {
    loaded = createRequire(import.meta.url)(path) as NanoweaveAddon;
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    throw new AddonNotBuiltError(`The native addon at ${path} does not load (${reason}). Rebuild it: ${HOW_TO_BUILD}`);
  }
  return loaded;
}
