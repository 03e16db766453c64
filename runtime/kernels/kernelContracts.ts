/**
 * The contract of our CUDA kernels (native/kernels, see its README): where the sources are, each
 * entry point's argument types, decode attention's limits and launch rule. The runtime and the
 * profiler both launch these kernels, so the rules live here once.
 */
import { readFile } from "node:fs/promises";
import { fileURLToPath } from "node:url";
import type { DeviceArray, Gpu, Kernel, KernelModule, KernelParamType, LaunchConfig, Stream } from "../gpu/index.js";

/** native/kernels at the package root (this file is dist/runtime/kernels/ once built). */
export const KERNELS_DIR = fileURLToPath(new URL("../../../native/kernels/", import.meta.url));

/** decode_attention.cu: head size 128 only, at most 8 query heads per KV head, pages of 16-key multiples. */
export const ATTENTION_HEAD_DIM = 128;
export const ATTENTION_MAX_GROUP = 8;
export const ATTENTION_PAGE_SIZE = 16;
/** Its workspace holds one slot per warp: one block of 12 warps per SM. */
const ATTENTION_WARPS_PER_SM = 12;
/** Its shared-memory stages (K and V tiles) and their mbarriers, before the rows' tile prefix. */
const ATTENTION_STAGED_SHARED_BYTES = 196800;
/** decode_attention_pairs.cu: 8 warps, their stages, mbarriers and pieces of a pair. */
const ATTENTION_PAIRS_BLOCK = 256;
const ATTENTION_PAIRS_SHARED_BYTES = 213712;
/** Its two 32-lane windows hold a warp's tiles of one pair: requests of at most 8192 keys. */
const ATTENTION_PAIRS_MAX_KEYS = 8192;
/** Where it beats stream-K (bench/kernels/NOTES.md, v25): large partitions, at least 8 pairs a block. */
const ATTENTION_PAIRS_MIN_SMS = 96;
const ATTENTION_PAIRS_MIN_PER_SM = 8;
/** Rows one launch may cover: the tile prefix (4 bytes a row) must fit beside the stages in 227 KB. */
export const ATTENTION_MAX_ROWS = 8192;

/** What both decode attention kernels take (decode_attention.cu's header; decode_attention_pairs.cu takes the same). */
const ATTENTION_SIGNATURE = ["ptr", "ptr", "ptr", "ptr", "ptr", "ptr", "ptr", "ptr", "ptr", "i32", "i32", "i32", "i32", "i32", "i32", "f32"] as const;

export const KERNEL_SIGNATURES = {
  embedding: ["ptr", "ptr", "ptr", "i32", "i32", "i32", "i32"],
  rmsnorm: ["ptr", "ptr", "ptr", "i32", "i32", "i32", "f32"],
  rope_kv_append: ["ptr", "ptr", "ptr", "ptr", "ptr", "ptr", "i32", "i32", "i32", "i32", "i32", "i32", "f32"],
  decode_attention: ATTENTION_SIGNATURE,
  decode_attention_pairs: ATTENTION_SIGNATURE,
  silu_and_mul: ["ptr", "ptr", "i32", "i32", "i32"],
  argmax: ["ptr", "ptr", "ptr", "i32", "i32", "i32", "i32"],
  // Eight residuals, eight flag arrays, ranks, rank, begin, count.
  peer_sum: ["ptr", "ptr", "ptr", "ptr", "ptr", "ptr", "ptr", "ptr", "ptr", "ptr", "ptr", "ptr", "ptr", "ptr", "ptr", "ptr", "i32", "i32", "i64", "i64"],
  stream_read: ["ptr", "i64", "ptr"],
  hold: ["i64", "ptr"],
} as const satisfies Record<string, readonly KernelParamType[]>;
export type KernelName = keyof typeof KERNEL_SIGNATURES;

/** hold.cu: one block of 128 threads per SM of the partition it may use. */
export function holdLaunch(sms: number): LaunchConfig {
  return { grid: sms, block: 128 };
}

export type AttentionKernelName = "decode_attention" | "decode_attention_pairs";
/** The files the decode attention kernels are built from. */
export const ATTENTION_SOURCES = ["decode_attention.cu", "decode_attention_pairs.cu", "attention_tile.cuh", "common.cuh"] as const;

/**
 * Which decode attention kernel a launch takes, and its launch: decode_attention_pairs on large
 * partitions with many (row, kv head) pairs a block and requests within its window, stream-K
 * decode_attention (one block of 384 threads per SM; shared memory: the stages, then rows + 1
 * ints) everywhere else. Both take the same arguments and workspace.
 */
export function attentionLaunch(a: { rows: number; sms: number; kvHeads: number; maxPages: number }): { kernel: AttentionKernelName; config: LaunchConfig } {
  if (a.rows > ATTENTION_MAX_ROWS) throw new RangeError(`decode_attention covers at most ${ATTENTION_MAX_ROWS} rows a launch, got ${a.rows}`);
  const pairs = a.rows * a.kvHeads;
  if (a.sms >= ATTENTION_PAIRS_MIN_SMS && pairs >= ATTENTION_PAIRS_MIN_PER_SM * a.sms && a.maxPages * ATTENTION_PAGE_SIZE <= ATTENTION_PAIRS_MAX_KEYS)
    return { kernel: "decode_attention_pairs", config: { grid: a.sms, block: ATTENTION_PAIRS_BLOCK, sharedBytes: ATTENTION_PAIRS_SHARED_BYTES } };
  return { kernel: "decode_attention", config: { grid: a.sms, block: 384, sharedBytes: ATTENTION_STAGED_SHARED_BYTES + (a.rows + 1) * 4 } };
}

/** What one decode attention launch reads and writes: rows [rowBegin, rowEnd) of the batch. */
export interface AttentionArguments {
  q: DeviceArray<"bf16">;
  kCache: DeviceArray<"bf16">;
  vCache: DeviceArray<"bf16">;
  pageTable: DeviceArray<"int32">;
  contextLens: DeviceArray<"int32">;
  out: DeviceArray<"bf16">;
  partialO: DeviceArray<"bf16">;
  partialMl: DeviceArray<"fp32">;
  counters: DeviceArray<"int32">;
  rowBegin: number;
  rowEnd: number;
  qHeads: number;
  kvHeads: number;
  maxPages: number;
}

export type AttentionKernels = { [K in AttentionKernelName]: Kernel<(typeof KERNEL_SIGNATURES)[K]> };

/** Lets a decode attention kernel have all the shared memory a block may opt into (both launch with more than 48 KB). */
export function allowAttentionSharedMemory(gpu: Gpu, kernel: AttentionKernels[AttentionKernelName]): void {
  kernel.setMaxDynamicSharedMemory(gpu.info.maxSharedMemoryPerBlockOptin - kernel.attributes().staticSharedBytes);
}

/** Launches decode attention on `sms` SMs with the kernel attentionLaunch picks (pages of ATTENTION_PAGE_SIZE keys). */
export function launchDecodeAttention(kernels: AttentionKernels, stream: Stream, sms: number, a: AttentionArguments): void {
  const { kernel, config } = attentionLaunch({ rows: a.rowEnd - a.rowBegin, sms, kvHeads: a.kvHeads, maxPages: a.maxPages });
  kernels[kernel].launch(
    stream, config,
    a.q, a.kCache, a.vCache, a.pageTable, a.contextLens, a.out, a.partialO, a.partialMl, a.counters,
    a.rowBegin, a.rowEnd, a.qHeads, a.kvHeads, ATTENTION_PAGE_SIZE, a.maxPages, 1 / Math.sqrt(ATTENTION_HEAD_DIM),
  );
}

/** decode_attention's workspace elements for one launch on `sms` SMs (one slot pair per warp). */
export function attentionWorkspaceSizes(sms: number): { partialO: number; partialMl: number; counters: number } {
  const warps = ATTENTION_WARPS_PER_SM * sms;
  return { partialO: 2 * warps * 8 * ATTENTION_HEAD_DIM, partialMl: 2 * warps * 8 * 2, counters: warps };
}

/**
 * Compiles one kernel source through NVRTC (and the kernel cache) for this GPU. Our headers are
 * inlined, so the cache key (the source) changes with any header the kernel includes.
 */
export async function compileKernelModule(gpu: Gpu, name: KernelName): Promise<KernelModule> {
  const source = await kernelSourceWithHeaders(`${name}.cu`);
  return gpu.compileModule(source, { name: `${name}.cu`, options: [`--include-path=${KERNELS_DIR}`] });
}

/** A file of native/kernels with each `#include "header"` of that folder replaced by the header (once each). */
export async function kernelSourceWithHeaders(file: string, included = new Set<string>()): Promise<string> {
  const source = await readFile(`${KERNELS_DIR}${file}`, "utf8");
  const lines: string[] = [];
  for (const line of source.split("\n")) {
    const header = /^#include "([\w.]+)"\s*$/.exec(line)?.[1];
    if (header === undefined) {
      lines.push(line);
    } else if (!included.has(header)) {
      included.add(header);
      lines.push(await kernelSourceWithHeaders(header, included));
    }
  }
  return lines.join("\n");
}
