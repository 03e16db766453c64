/**
 * Compiles CUDA C++ with NVRTC for a GPU's own architecture (sm_XY from its compute capability),
 * through the on-disk cache. Kernels must be extern "C" so their names are plain.
 */
import { loadAddon } from "../binding/loadAddon.js";
import { findCudaIncludeDirectory } from "./cudaIncludeDirectory.js";
import type { Gpu } from "./Gpu.js";
import { kernelCacheFile, readCachedKernel, writeCachedKernel } from "./kernelCache.js";
import { expectArray, expectBoolean, expectString } from "./validate.js";

export interface CompileOptions {
  /** Shown in compiler messages (default "kernels.cu"). */
  name?: string;
  /** More NVRTC options, e.g. ["-DBLOCK=256", "--use_fast_math"]. */
  options?: readonly string[];
  /** Cache directory (default $NANOWEAVE_CACHE_DIR or ~/.cache/nanoweave). */
  cacheDirectory?: string;
  /** false: compile even when a cached image exists (and refresh it). */
  useCache?: boolean;
}

export interface CompiledImage {
  /** The cubin. */
  image: Uint8Array;
  /** NVRTC's log (warnings); empty when taken from the cache. */
  log: string;
  fromCache: boolean;
  cacheFile: string;
  /** e.g. "sm_90". */
  architecture: string;
  /** Every option NVRTC was given. */
  options: readonly string[];
}

export async function compileCuda(gpu: Gpu, source: string, options: CompileOptions = {}): Promise<CompiledImage> {
  expectString(source, "the CUDA source");
  const name = expectString(options.name ?? "kernels.cu", "options.name");
  const extra = expectArray(options.options ?? [], "options.options", expectString);
  const useCache = expectBoolean(options.useCache ?? true, "options.useCache");
  const addon = loadAddon();
  const nvrtc = addon.libraryInfo("nvrtc");
  const { major, minor } = gpu.info.computeCapability;
  const architecture = `sm_${major}${minor}`;
  if (nvrtc.architectures && !nvrtc.architectures.includes(major * 10 + minor)) {
    throw new Error(`NVRTC ${nvrtc.version} (${nvrtc.path}) cannot compile for ${architecture}; it supports ${nvrtc.architectures.map((a) => `sm_${a}`).join(", ")}`);
  }
  const include = findCudaIncludeDirectory(nvrtc.path);
  const allOptions = [`--gpu-architecture=${architecture}`, "--std=c++17", ...(include ? [`--include-path=${include}`] : []), ...extra];
  const cacheFile = kernelCacheFile({ source, options: allOptions, architecture, nvrtcVersion: nvrtc.version }, options.cacheDirectory);
  const cached = useCache ? await readCachedKernel(cacheFile) : undefined;
  if (cached) return { image: cached, log: "", fromCache: true, cacheFile, architecture, options: allOptions };
  const { image, log } = await addon.compileProgram(source, name, allOptions);
  await writeCachedKernel(cacheFile, image);
  return { image, log, fromCache: false, cacheFile, architecture, options: allOptions };
}
