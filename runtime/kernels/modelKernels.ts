/**
 * nanoweave's kernels (native/kernels), compiled by NVRTC for one GPU and launched with the rules
 * each source's header states. Every launch takes a row range [rowBegin, rowEnd) of the dense batch.
 */
import type { DeviceArray, Gpu, Kernel, KernelModule, Stream } from "../gpu/index.js";
import { allowAttentionSharedMemory, compileKernelModule, holdLaunch, KERNEL_SIGNATURES, launchDecodeAttention } from "./kernelContracts.js";

type Bf16 = DeviceArray<"bf16">;
type Int32 = DeviceArray<"int32">;
type Fp32 = DeviceArray<"fp32">;
type PeerSumSlots<T> = [T, T, T, T, T, T, T, T];

/** peer_sum.cu: rank slots, flag words a rank, threads a block, and blocks an SM (its 60 registers a thread allow 2). */
export const PEER_SUM_MAX_RANKS = 8;
export const PEER_SUM_FLAG_WORDS = 18;
const PEER_SUM_BLOCK = 512;
const PEER_SUM_BLOCKS_PER_SM = 2;
export interface Rows {
  rowBegin: number;
  rowEnd: number;
}

const SIGNATURES = (({ stream_read: _reference, ...model }) => model)(KERNEL_SIGNATURES);
type KernelName = keyof typeof SIGNATURES;

/** The decode attention kernels' workspace of one launch on `sms` SMs (decode_attention.cu: one slot pair per warp). */
export interface AttentionWorkspace {
  sms: number;
  partialO: Bf16;
  partialMl: Fp32;
  /** Zero before the first launch; the kernel leaves them zero. */
  counters: Int32;
}

export class ModelKernels {
  private constructor(
    private readonly modules: KernelModule[],
    private readonly kernels: { [K in KernelName]: Kernel<(typeof SIGNATURES)[K]> },
    /** The GPU's SMs: what a launch outside any partition may run on. */
    readonly deviceSms: number,
  ) {}

  static async compile(gpu: Gpu): Promise<ModelKernels> {
    const modules: KernelModule[] = [];
    try {
      const entries = await Promise.all((Object.keys(SIGNATURES) as KernelName[]).map(async (name) => {
        const module = await compileKernelModule(gpu, name);
        modules.push(module);
        return [name, module.kernel(name, SIGNATURES[name])] as const;
      }));
      const kernels = Object.fromEntries(entries) as ModelKernels["kernels"];
      for (const attention of [kernels.decode_attention, kernels.decode_attention_pairs]) allowAttentionSharedMemory(gpu, attention);
      return new ModelKernels(modules, kernels, gpu.info.smCount);
    } catch (error) {
      for (const module of modules) module.dispose();
      throw error;
    }
  }

  embedding(stream: Stream, r: Rows, table: Bf16, ids: Int32, out: Bf16, hidden: number, vocab: number): void {
    this.kernels.embedding.launch(stream, { grid: [Math.ceil(hidden / 8 / 256), r.rowEnd - r.rowBegin, 1], block: 256 }, table, ids, out, r.rowBegin, r.rowEnd, hidden, vocab);
  }

  /** out = rmsnorm(x) · weight, on the `sms` SMs it may use. */
  rmsnorm(stream: Stream, r: Rows, sms: number, x: Bf16, weight: Bf16, out: Bf16, hidden: number, eps: number): void {
    // Up to 4 16-byte vectors of a row a thread, 1024 threads an SM (rmsnorm.cu).
    const block = 32 * Math.ceil(hidden / 8 / 4 / 32);
    const grid = Math.min(r.rowEnd - r.rowBegin, sms * Math.floor(1024 / block));
    this.kernels.rmsnorm.launch(stream, { grid, block }, x, weight, out, r.rowBegin, r.rowEnd, hidden, eps);
  }

  ropeKvAppend(stream: Stream, r: Rows, a: { qkv: Bf16; q: Bf16; kCache: Bf16; vCache: Bf16; positions: Int32; pageTable: Int32; qHeads: number; kvHeads: number; pageSize: number; maxPages: number; ropeTheta: number }): void {
    // A warp per 10 heads of a row, 8 warps a block (rope_kv_append.cu).
    const warpsARow = Math.ceil((a.qHeads + a.kvHeads) / 10);
    this.kernels.rope_kv_append.launch(stream, { grid: Math.ceil(((r.rowEnd - r.rowBegin) * warpsARow) / 8), block: 256 }, a.qkv, a.q, a.kCache, a.vCache, a.positions, a.pageTable, r.rowBegin, r.rowEnd, a.qHeads, a.kvHeads, a.pageSize, a.maxPages, a.ropeTheta);
  }

  /**
   * Rank `rank`'s part of the peer all-reduce (peer_sum.cu): meets the other ranks, sums elements
   * [begin, begin + count) over every rank's residual and writes the sum into each of them, meets
   * them again; on the `sms` SMs it may use. residuals[k] and flags[k] are rank k's.
   */
  peerSum(stream: Stream, sms: number, a: { residuals: readonly Bf16[]; flags: readonly Int32[]; rank: number; begin: number; count: number }): void {
    const ranks = a.residuals.length;
    if (ranks < 2 || ranks > PEER_SUM_MAX_RANKS || a.flags.length !== ranks) throw new RangeError(`Expected 2 to ${PEER_SUM_MAX_RANKS} ranks' residuals and as many flags for peer_sum but received ${ranks} and ${a.flags.length}`);
    for (const flags of a.flags) if (flags.length < PEER_SUM_FLAG_WORDS) throw new RangeError(`Expected ${PEER_SUM_FLAG_WORDS} flag words a rank for peer_sum but received ${flags.length}`);
    const slot = <T>(arrays: readonly T[]) => Array.from({ length: PEER_SUM_MAX_RANKS }, (_, k) => arrays[k] ?? arrays[0]!);
    const grid = Math.max(1, Math.min(Math.ceil(a.count / 8 / PEER_SUM_BLOCK), PEER_SUM_BLOCKS_PER_SM * sms));
    this.kernels.peer_sum.launch(stream, { grid, block: PEER_SUM_BLOCK }, ...(slot(a.residuals) as PeerSumSlots<Bf16>), ...(slot(a.flags) as PeerSumSlots<Int32>), ranks, a.rank, BigInt(a.begin), BigInt(a.count));
  }

  /** On the `sms` SMs it may use (kernelContracts.attentionLaunch). */
  decodeAttention(stream: Stream, r: Rows, sms: number, w: AttentionWorkspace, a: { q: Bf16; kCache: Bf16; vCache: Bf16; pageTable: Int32; contextLens: Int32; out: Bf16; qHeads: number; kvHeads: number; maxPages: number }): void {
    if (sms > w.sms) throw new RangeError(`Expected at most ${w.sms} SMs for attention with this workspace but received ${sms}`);
    launchDecodeAttention(this.kernels, stream, sms, { ...a, partialO: w.partialO, partialMl: w.partialMl, counters: w.counters, rowBegin: r.rowBegin, rowEnd: r.rowEnd });
  }

  siluAndMul(stream: Stream, r: Rows, gateUp: Bf16, out: Bf16, intermediate: number): void {
    this.kernels.silu_and_mul.launch(stream, { grid: [Math.ceil(intermediate / 8 / 256), r.rowEnd - r.rowBegin, 1], block: 256 }, gateUp, out, r.rowBegin, r.rowEnd, intermediate);
  }

  /** One block per SM of the `sms` it may use, each spinning `ns` nanoseconds; `sink` (one int32) is never written in practice. */
  hold(stream: Stream, sms: number, ns: number, sink: Int32): void {
    this.kernels.hold.launch(stream, holdLaunch(sms), BigInt(Math.round(ns)), sink);
  }

  /** Over the first `vocab` logits of each row, rows `rowStride` logits apart. */
  argmax(stream: Stream, r: Rows, logits: Bf16, ids: Int32, maxima: Fp32, vocab: number, rowStride: number): void {
    this.kernels.argmax.launch(stream, { grid: r.rowEnd - r.rowBegin, block: 512 }, logits, ids, maxima, r.rowBegin, r.rowEnd, vocab, rowStride);
  }

  dispose(): void {
    for (const kernel of Object.values(this.kernels)) kernel.dispose();
    for (const module of this.modules) module.dispose();
  }
}
