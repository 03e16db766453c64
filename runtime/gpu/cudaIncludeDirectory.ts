/**
 * Where the CUDA headers that kernels include (cuda_bf16.h, cuda_fp16.h) are: CUDA_HOME,
 * CUDA_PATH, beside the NVRTC library that was loaded, then /usr/local/cuda.
 */
import { existsSync } from "node:fs";
import { dirname, join } from "node:path";

/** The first directory holding cuda_bf16.h, or undefined (NVRTC then uses its built-in headers). */
export function findCudaIncludeDirectory(nvrtcLibraryPath: string | undefined): string | undefined {
  return cudaIncludeCandidates(nvrtcLibraryPath).find((directory) => existsSync(join(directory, "cuda_bf16.h")));
}

export function cudaIncludeCandidates(nvrtcLibraryPath: string | undefined): string[] {
  const candidates: string[] = [];
  for (const root of [process.env.CUDA_HOME, process.env.CUDA_PATH]) if (root) candidates.push(join(root, "include"));
  if (nvrtcLibraryPath) {
    // lib64/libnvrtc.so.13 -> include; targets/x86_64-linux/lib/... -> targets/x86_64-linux/include
    candidates.push(join(dirname(nvrtcLibraryPath), "..", "include"));
  }
  candidates.push("/usr/local/cuda/include");
  return candidates;
}
