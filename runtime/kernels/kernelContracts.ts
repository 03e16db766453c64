/**
 * The contract of our CUDA kernels (native/kernels, see its README): where the sources are, each
 * entry point's argument types, decode attention's limits and launch rule. The runtime and the
 * profiler both launch these kernels, so the rules live here once.
 */
import { readFile } from "node:fs/promises";
import { fileURLToPath } from "node:url";
import type { Gpu, KernelModule, KernelParamType, LaunchConfig } from "../gpu/index.js";

/** native/kernels at the package root (this file is dist/runtime/kernels/ once built). */
export const KERNELS_DIR = fileURLToPath(new URL("../../../native/kernels/", import.meta.url));

/** decode_attention.cu: head size 128 only, at most 8 query heads per KV head, pages of 16-key multiples. */
export const ATTENTION_HEAD_DIM = 128;
export const ATTENTION_MAX_GROUP = 8;
export const ATTENTION_PAGE_SIZE = 16;
/** Its workspace holds one slot per warp: one block of 12 warps per SM. */
export const ATTENTION_WARPS_PER_SM = 12;
/** Its shared-memory stages (K and V tiles) and their mbarriers, before the rows' tile prefix. */
const ATTENTION_STAGED_SHARED_BYTES = 196800;
/** Rows one launch may cover: the tile prefix (4 bytes a row) must fit beside the stages in 227 KB. */
export const ATTENTION_MAX_ROWS = 8192;

export const KERNEL_SIGNATURES = {
  embedding: ["ptr", "ptr", "ptr", "i32", "i32", "i32", "i32"],
  rmsnorm: ["ptr", "ptr", "ptr", "i32", "i32", "i32", "f32"],
  rope_kv_append: ["ptr", "ptr", "ptr", "ptr", "ptr", "ptr", "i32", "i32", "i32", "i32", "i32", "i32", "f32"],
  decode_attention: ["ptr", "ptr", "ptr", "ptr", "ptr", "ptr", "ptr", "ptr", "ptr", "i32", "i32", "i32", "i32", "i32", "i32", "f32"],
  silu_and_mul: ["ptr", "ptr", "i32", "i32", "i32"],
  argmax: ["ptr", "ptr", "ptr", "i32", "i32", "i32", "i32"],
  stream_read: ["ptr", "i64", "ptr"],
} as const satisfies Record<string, readonly KernelParamType[]>;
export type KernelName = keyof typeof KERNEL_SIGNATURES;

/** decode_attention: one block of 384 threads per SM it may use; shared memory: the stages, then rows + 1 ints. */
export function attentionLaunch(rows: number, sms: number): LaunchConfig {
  if (rows > ATTENTION_MAX_ROWS) throw new RangeError(`decode_attention covers at most ${ATTENTION_MAX_ROWS} rows a launch, got ${rows}`);
  return { grid: sms, block: 384, sharedBytes: ATTENTION_STAGED_SHARED_BYTES + (rows + 1) * 4 };
}

/** decode_attention's workspace elements for one launch on `sms` SMs (one slot pair per warp). */
export function attentionWorkspaceSizes(sms: number): { partialO: number; partialMl: number; counters: number } {
  const warps = ATTENTION_WARPS_PER_SM * sms;
  return { partialO: 2 * warps * 8 * ATTENTION_HEAD_DIM, partialMl: 2 * warps * 8 * 2, counters: warps };
}

/** Compiles one kernel source through NVRTC (and the kernel cache) for this GPU. */
export async function compileKernelModule(gpu: Gpu, name: KernelName): Promise<KernelModule> {
  const source = await readFile(`${KERNELS_DIR}${name}.cu`, "utf8");
  return gpu.compileModule(source, { name: `${name}.cu`, options: [`--include-path=${KERNELS_DIR}`] });
}
