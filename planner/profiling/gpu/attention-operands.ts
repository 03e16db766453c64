/**
 * Decode attention's inputs for one configuration on one GPU: a paged KV cache of random bf16
 * (pages of 16 keys, all KV heads of a page together, as decode_attention.cu lays them out), the
 * kernel's workspace, and per grid point the queries, page table and context lengths. Small points
 * get several row blocks over disjoint pages that repetitions rotate through, so the KV they read
 * is never in L2, as in a model where every layer has its own cache.
 */
import type { DeviceArray, Gpu, Stream } from "../../../runtime/gpu/index.js";
import { kvBytes } from "../attention-grid.js";
import type { AttentionPoint } from "../measurer.js";
import type { AttentionConfig } from "../targets.js";
import { ATTENTION_PAGE_SIZE, type AttentionArguments, attentionWorkspaceSizes } from "../../../runtime/kernels/kernelContracts.js";
import type { NativeKernels } from "./native-kernels.js";
import type { RandomData } from "./random-data.js";
import { graphWorkload, type Workload } from "./workload.js";

const MAX_ROTATION = 256;

type Launch = Awaited<ReturnType<NativeKernels["decodeAttention"]>>;

export class AttentionOperands {
  private readonly kCache: DeviceArray<"bf16">;
  private readonly vCache: DeviceArray<"bf16">;
  private readonly partialO: DeviceArray<"bf16">;
  private readonly partialMl: DeviceArray<"fp32">;
  private readonly counters: DeviceArray<"int32">;
  private readonly pages: number;
  private point: PointData | undefined;

  private constructor(
    private readonly gpu: Gpu,
    private readonly random: RandomData,
    private readonly launch: Launch,
    readonly config: AttentionConfig,
    maxKvBytes: number,
    stream: Stream,
  ) {
    const pageElements = config.kvHeads * ATTENTION_PAGE_SIZE * config.headDim;
    this.pages = Math.max(1, Math.floor(maxKvBytes / 2 / (pageElements * 2)));
    this.kCache = random.bf16(this.pages * pageElements);
    this.vCache = random.bf16(this.pages * pageElements);
    const workspace = attentionWorkspaceSizes(gpu.info.smCount);
    this.partialO = gpu.allocate("bf16", workspace.partialO);
    this.partialMl = gpu.allocate("fp32", workspace.partialMl);
    this.counters = gpu.allocate("int32", workspace.counters);
    this.counters.fill(0, stream); // the kernel leaves them zero after every launch
    stream.synchronize();
  }

  /** Operands for `config` whose cache holds `maxKvBytes` of K and V. */
  static async create(gpu: Gpu, kernels: NativeKernels, random: RandomData, config: AttentionConfig, maxKvBytes: number, stream: Stream): Promise<AttentionOperands> {
    return new AttentionOperands(gpu, random, await kernels.decodeAttention(), config, maxKvBytes, stream);
  }

  /** One launch per repetition over `point`'s requests, confined to the stream's `sms` SMs. */
  workload(stream: Stream, sms: number, point: AttentionPoint): Workload {
    return graphWorkload([stream], (_, rep) => this.queue(stream, sms, point, rep), this.rotation(point));
  }

  /** Queues repetition `rep` of `point` (a workload of several GPUs queues each GPU's own). */
  queue(stream: Stream, sms: number, point: AttentionPoint, rep: number): void {
    const data = this.dataFor(point);
    this.launch(stream, sms, this.argumentsFor(data, rep % data.rotation));
  }

  /** Repetitions before `point`'s row blocks repeat. */
  rotation(point: AttentionPoint): number {
    return this.dataFor(point).rotation;
  }

  dispose(): void {
    this.disposePoint();
    for (const array of [this.kCache, this.vCache, this.partialO, this.partialMl, this.counters]) array.dispose();
  }

  /** The arrays of one point, kept until another point is asked for. */
  private dataFor(point: AttentionPoint): PointData {
    if (this.point?.requests === point.requests && this.point.context === point.context) return this.point;
    this.disposePoint();
    const { config } = this;
    const maxPages = Math.ceil(point.context / ATTENTION_PAGE_SIZE);
    const rotation = Math.max(1, Math.min(
      MAX_ROTATION,
      Math.floor(this.pages / (point.requests * maxPages)),
      Math.ceil((2 * this.gpu.info.l2CacheBytes) / kvBytes(config, point)),
    ));
    const rows = rotation * point.requests;
    // Row r's pages follow on from row r - 1's, so the row blocks read disjoint pages.
    const table = new Int32Array(rows * maxPages);
    for (let i = 0; i < table.length; i++) table[i] = i % this.pages;
    const qElements = rows * config.groupSize * config.kvHeads * config.headDim;
    this.point = {
      ...point,
      rotation,
      maxPages,
      q: this.random.bf16(qElements),
      out: this.gpu.allocate("bf16", qElements),
      pageTable: this.gpu.upload("int32", table),
      contextLens: this.gpu.upload("int32", new Int32Array(rows).fill(point.context)),
    };
    return this.point;
  }

  private argumentsFor(data: PointData, block: number): AttentionArguments {
    const rowBegin = block * data.requests;
    return {
      q: data.q,
      kCache: this.kCache,
      vCache: this.vCache,
      pageTable: data.pageTable,
      contextLens: data.contextLens,
      out: data.out,
      partialO: this.partialO,
      partialMl: this.partialMl,
      counters: this.counters,
      rowBegin,
      rowEnd: rowBegin + data.requests,
      qHeads: this.config.groupSize * this.config.kvHeads,
      kvHeads: this.config.kvHeads,
      maxPages: data.maxPages,
    };
  }

  private disposePoint(): void {
    if (!this.point) return;
    for (const array of [this.point.q, this.point.out, this.point.pageTable, this.point.contextLens]) array.dispose();
    this.point = undefined;
  }
}

/** One grid point's arrays: `rotation` blocks of `requests` rows each. */
interface PointData extends AttentionPoint {
  rotation: number;
  maxPages: number;
  q: DeviceArray<"bf16">;
  out: DeviceArray<"bf16">;
  pageTable: DeviceArray<"int32">;
  contextLens: DeviceArray<"int32">;
}
