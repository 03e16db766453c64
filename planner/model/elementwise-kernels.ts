/**
 * The memory-bound small kernels of a decode iteration and the bytes each moves per token row
 * (read plus write) on one GPU's shard. One definition for the layer graph, which costs them, and
 * for the profiler, which measures them at one shard's shape and records the bytes per row it moved.
 */
import type { Shard } from "./shard.js";

export const ELEMENTWISE_KERNELS = ["rmsnorm", "rope_kv_append", "silu_mul", "embedding", "argmax"] as const;
export type ElementwiseKernel = (typeof ELEMENTWISE_KERNELS)[number];

const BYTES = 2;

type ElementwiseShape = Pick<Shard, "hiddenSize" | "qHeads" | "kvHeads" | "headDim" | "intermediate" | "vocab">;

export function elementwiseBytesPerToken(kernel: ElementwiseKernel, shard: ElementwiseShape): number {
  switch (kernel) {
    // out = norm(residual): read the residual, write out (the O and down GEMMs add to the residual in
    // their epilogue, which the GEMM tables, measured without, leave out).
    case "rmsnorm":
    // The embedding row read, the residual row written.
    case "embedding":
      return 2 * shard.hiddenSize * BYTES;
    // q, k and v read; rotated q and k, and v, written.
    case "rope_kv_append":
      return 2 * (shard.qHeads + 2 * shard.kvHeads) * shard.headDim * BYTES;
    // gate and up read, their product written.
    case "silu_mul":
      return 3 * shard.intermediate * BYTES;
    // A row of logits read.
    case "argmax":
      return shard.vocab * BYTES;
  }
}
