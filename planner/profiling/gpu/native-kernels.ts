/**
 * nanoweave's own CUDA kernels from native/kernels, compiled by NVRTC for one GPU (through the
 * kernel cache), with the launch rules each source's header states (native/kernels/README.md).
 */
import { readFile } from "node:fs/promises";
import { fileURLToPath } from "node:url";
import type { DType, DeviceArray, DevicePointer, Gpu, Kernel, KernelParamType, Stream } from "../../../runtime/gpu/index.js";

/** native/kernels at the package root (this file is dist/planner/profiling/gpu/ once built). */
export const KERNELS_DIR = fileURLToPath(new URL("../../../../native/kernels/", import.meta.url));

/** decode_attention.cu: head size 128 only, at most 8 query heads per KV head, pages of 16-key multiples. */
export const ATTENTION_HEAD_DIM = 128;
export const ATTENTION_MAX_GROUP = 8;
export const ATTENTION_PAGE_SIZE = 16;
/** Its workspace holds one slot per warp: 4 warps per block, 2 blocks per SM. */
export const ATTENTION_WARPS_PER_SM = 8;
/** Its shared-memory ring of KV stages, before the rows' tile prefix and lengths. */
const ATTENTION_STAGED_SHARED_BYTES = 98304;

const ATTENTION_SIGNATURE = ["ptr", "ptr", "ptr", "ptr", "ptr", "ptr", "ptr", "ptr", "ptr", "i32", "i32", "i32", "i32", "i32", "i32", "f32"] as const;
const RMSNORM_SIGNATURE = ["ptr", "ptr", "ptr", "ptr", "i32", "i32", "i32", "f32"] as const;
const STREAM_READ_SIGNATURE = ["ptr", "i64", "ptr"] as const;

type Bf16 = DeviceArray<"bf16">;
type Pointer = DeviceArray<DType> | DevicePointer;

export interface AttentionArguments {
  q: Bf16;
  kCache: Bf16;
  vCache: Bf16;
  pageTable: DeviceArray<"int32">;
  contextLens: DeviceArray<"int32">;
  out: Bf16;
  partialO: DeviceArray<"fp32">;
  partialMl: DeviceArray<"fp32">;
  counters: DeviceArray<"int32">;
  rowBegin: number;
  rowEnd: number;
  qHeads: number;
  kvHeads: number;
  maxPages: number;
}

/** The kernels of one GPU, each compiled on first use. */
export class NativeKernels {
  private readonly compiled = new Map<string, Promise<unknown>>();

  constructor(private readonly gpu: Gpu) {}

  /** Grid 2 blocks per SM of 128 threads; dynamic shared memory: the KV ring, then (2 rows + 1) ints. */
  async decodeAttention(): Promise<(stream: Stream, sms: number, args: AttentionArguments) => void> {
    const kernel = await this.kernel("decode_attention", ATTENTION_SIGNATURE);
    kernel.setMaxDynamicSharedMemory(this.gpu.info.maxSharedMemoryPerBlockOptin - kernel.attributes().staticSharedBytes);
    return (stream, sms, a) =>
      kernel.launch(
        stream,
        { grid: 2 * sms, block: 128, sharedBytes: ATTENTION_STAGED_SHARED_BYTES + (2 * (a.rowEnd - a.rowBegin) + 1) * 4 },
        a.q, a.kCache, a.vCache, a.pageTable, a.contextLens, a.out, a.partialO, a.partialMl, a.counters,
        a.rowBegin, a.rowEnd, a.qHeads, a.kvHeads, ATTENTION_PAGE_SIZE, a.maxPages, 1 / Math.sqrt(ATTENTION_HEAD_DIM),
      );
  }

  /** One block of 256 threads per row. */
  async rmsnormResidual(): Promise<(stream: Stream, x: Bf16, residual: Bf16, weight: Bf16, out: Bf16, rows: number, hidden: number) => void> {
    const kernel = await this.kernel("rmsnorm_residual", RMSNORM_SIGNATURE);
    return (stream, x, residual, weight, out, rows, hidden) =>
      kernel.launch(stream, { grid: rows, block: 256 }, x, residual, weight, out, 0, rows, hidden, 1e-5);
  }

  /** `blocks` blocks of 1024 threads reading `bytes` (a multiple of 16) into a sink of blocks * 1024 words. */
  async streamRead(): Promise<(stream: Stream, blocks: number, source: Pointer, bytes: number, sink: DeviceArray<"int32">) => void> {
    const kernel = await this.kernel("stream_read", STREAM_READ_SIGNATURE);
    return (stream, blocks, source, bytes, sink) => kernel.launch(stream, { grid: blocks, block: 1024 }, source, BigInt(bytes / 16), sink);
  }

  private kernel<const S extends readonly KernelParamType[]>(name: string, signature: S): Promise<Kernel<S>> {
    let pending = this.compiled.get(name);
    if (!pending) {
      pending = (async () => {
        const source = await readFile(`${KERNELS_DIR}${name}.cu`, "utf8");
        const module = await this.gpu.compileModule(source, { name: `${name}.cu`, options: [`--include-path=${KERNELS_DIR}`] });
        return module.kernel(name, signature);
      })();
      this.compiled.set(name, pending);
    }
    return pending as Promise<Kernel<S>>;
  }
}
