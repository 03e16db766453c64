/**
 * The iteration's buffers, one row per token of the dense batch. Layers reuse them: every row
 * range is written and read along its own nano-batch's dependency chain, so layers never race.
 */
import type { DeviceArray, Gpu } from "../gpu/index.js";
import type { KvCacheLayout } from "../kvCache.js";
import { qkvWidth, type ModelShape } from "../model/modelShape.js";

export class Activations {
  /** Inputs, rewritten by each step. */
  readonly tokens: DeviceArray<"int32">;
  readonly positions: DeviceArray<"int32">;
  readonly contextLens: DeviceArray<"int32">;
  readonly pageTable: DeviceArray<"int32">;
  /** The residual stream: the embedding, to which the O and down GEMMs add their output. */
  readonly residual: DeviceArray<"bf16">;
  /** RMSNorm output, input of the next GEMM. */
  readonly normed: DeviceArray<"bf16">;
  readonly qkv: DeviceArray<"bf16">;
  readonly q: DeviceArray<"bf16">;
  readonly attention: DeviceArray<"bf16">;
  readonly gateUp: DeviceArray<"bf16">;
  readonly mlp: DeviceArray<"bf16">;
  readonly logits: DeviceArray<"bf16">;
  readonly nextTokens: DeviceArray<"int32">;
  readonly maxLogits: DeviceArray<"fp32">;
  private readonly all: DeviceArray<"bf16" | "int32" | "fp32">[] = [];

  constructor(gpu: Gpu, shape: ModelShape, readonly rows: number, cache: KvCacheLayout) {
    const make = <D extends "bf16" | "int32" | "fp32">(dtype: D, perRow: number): DeviceArray<D> => {
      const array = gpu.allocate(dtype, rows * perRow);
      this.all.push(array);
      return array;
    };
    try {
      const { hiddenSize: h, qHeads, headDim, intermediate, vocab } = shape;
      this.tokens = make("int32", 1);
      this.positions = make("int32", 1);
      this.contextLens = make("int32", 1);
      this.pageTable = make("int32", cache.maxPages);
      this.residual = make("bf16", h);
      this.normed = make("bf16", h);
      this.qkv = make("bf16", qkvWidth(shape));
      this.q = make("bf16", qHeads * headDim);
      this.attention = make("bf16", qHeads * headDim);
      this.gateUp = make("bf16", 2 * intermediate);
      this.mlp = make("bf16", intermediate);
      this.logits = make("bf16", vocab);
      this.nextTokens = make("int32", 1);
      this.maxLogits = make("fp32", 1);
    } catch (error) {
      this.dispose();
      throw error;
    }
  }

  dispose(): void {
    for (const array of this.all) array.dispose();
  }
}
