/**
 * The operands of one GEMM shape on one GPU: random activations [tokens, k], weights [n, k] and an
 * output [tokens, n] in bf16. Weights smaller than twice the L2 cache get copies that repetitions
 * rotate through: in a model every layer's weights are new, never in L2.
 */
import type { Cublas, DeviceArray, Gpu, Stream } from "../../../runtime/gpu/index.js";
import type { GemmShape } from "../../model/shard.js";
import type { RandomData } from "./random-data.js";
import { graphWorkload, type Workload } from "./workload.js";

const MAX_COPIES = 32;

export class GemmOperands {
  private readonly a: DeviceArray<"bf16">;
  private readonly weights: DeviceArray<"bf16">[];
  private readonly c: DeviceArray<"bf16">;

  constructor(gpu: Gpu, random: RandomData, readonly shape: GemmShape, maxTokens: number) {
    const { n, k } = shape;
    const copies = Math.min(MAX_COPIES, Math.max(1, Math.ceil((2 * gpu.info.l2CacheBytes) / (n * k * 2))));
    this.a = random.bf16(maxTokens * k);
    this.weights = Array.from({ length: copies }, () => random.bf16(n * k));
    this.c = gpu.allocate("bf16", maxTokens * n);
  }

  /** Copies of the weights that repetitions rotate through. */
  get rotation(): number {
    return this.weights.length;
  }

  /** `tokens` rows on `stream` with `cublas` (the handle targeted at the stream's SMs), with cuBLAS's pick or `algorithm`. */
  workload(stream: Stream, cublas: Cublas, tokens: number, algorithm?: string): Workload {
    return graphWorkload([stream], (_, rep) => this.queue(stream, cublas, tokens, rep, algorithm), this.rotation);
  }

  /** Queues repetition `rep` (its copy of the weights). */
  queue(stream: Stream, cublas: Cublas, tokens: number, rep: number, algorithm?: string): void {
    const { n, k } = this.shape;
    cublas.gemm({ stream, a: this.a, b: this.weights[rep % this.rotation]!, c: this.c, m: tokens, n, k, algorithm });
  }

  dispose(): void {
    for (const array of [this.a, ...this.weights, this.c]) array.dispose();
  }
}
