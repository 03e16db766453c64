/**
 * The on-disk cache of compiled kernels: one file per (source, options, architecture, NVRTC
 * version), named by their SHA-256, under $NANOWEAVE_CACHE_DIR or ~/.cache/nanoweave. Writes are
 * atomic (temporary file, then rename), so a crash never leaves a half-written entry.
 */
import { createHash } from "node:crypto";
import { readFile } from "node:fs/promises";
import { homedir } from "node:os";
import { join } from "node:path";
import { writeFileAtomic } from "../../planner/atomic-write.js";

export interface KernelCacheKey {
  source: string;
  options: readonly string[];
  architecture: string;
  nvrtcVersion: string;
}

export function kernelCacheDirectory(): string {
  return process.env.NANOWEAVE_CACHE_DIR || join(process.env.XDG_CACHE_HOME || join(homedir(), ".cache"), "nanoweave");
}

export function kernelCacheFile(key: KernelCacheKey, directory = kernelCacheDirectory()): string {
  const hash = createHash("sha256").update(JSON.stringify([key.source, key.options, key.architecture, key.nvrtcVersion])).digest("hex");
  return join(directory, "kernels", `${hash}.cubin`);
}

/** The cached image, or undefined when there is none. */
export async function readCachedKernel(file: string): Promise<Uint8Array | undefined> {
  try {
    return new Uint8Array(await readFile(file));
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === "ENOENT") return undefined;
    throw error;
  }
}

export async function writeCachedKernel(file: string, image: Uint8Array): Promise<void> {
  await writeFileAtomic(file, image);
}
