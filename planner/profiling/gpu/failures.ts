/** Native failures in terms of what the user can do about them. */
import { isNativeError } from "../../../runtime/gpu/index.js";

const OUT_OF_MEMORY = new Set(["CUDA_ERROR_OUT_OF_MEMORY", "CUBLAS_STATUS_ALLOC_FAILED"]);

export function explainGpuFailure(error: unknown): Error {
  if (!isNativeError(error)) return error instanceof Error ? error : new Error(String(error));
  const where = `${error.library ?? "native"} ${error.call ?? ""}`.trim();
  if (error.kind === "library-missing" || error.kind === "symbol-missing") {
    return new Error(`${error.message.split("\n")[0]} (\`nanoweave doctor\` lists every place searched)`, { cause: error });
  }
  if (OUT_OF_MEMORY.has(error.codeName ?? "")) {
    return new Error(`GPU memory ran out in ${where}: another process may be holding memory on this GPU; free it, or choose another GPU with --devices`, { cause: error });
  }
  if (error.library === "NCCL") {
    const detail = [error.codeName, error.libraryMessage, error.detail].filter(Boolean).join(": ");
    return new Error(`NCCL failed in ${error.call ?? "a collective"} (${detail}); check that the GPUs see each other (nvidia-smi topo -m) and NCCL_DEBUG=WARN for more`, { cause: error });
  }
  return error;
}
