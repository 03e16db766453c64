/**
 * What the planner will ask a profile for on this GPU: the GEMM shapes and decode-attention
 * configurations of every shipped dense model at every tensor-parallel degree it allows, deduped.
 */
import { listModels, type GpuSpec, type ResolvedModel } from "../config/index.js";
import { InputError } from "../errors.js";
import { profiledGemmShapes } from "../model/layer-graph.js";
import { shardModel, type GemmShape } from "../model/shard.js";

export const TENSOR_PARALLEL_DEGREES = [1, 2, 4, 8] as const;

/** Decode attention is looked up by head size, query heads per KV head and KV heads per GPU. */
export interface AttentionConfig {
  headDim: number;
  groupSize: number;
  kvHeads: number;
}

export interface ProfileTargets {
  gemmShapes: GemmShape[];
  attention: AttentionConfig[];
  /** What was left out and why, for the profile's notes. */
  skipped: string[];
}

export async function profileTargets(gpu: GpuSpec, models?: readonly ResolvedModel[]): Promise<ProfileTargets> {
  const shapes = new Map<string, GemmShape>();
  const attention = new Map<string, AttentionConfig>();
  const skipped: string[] = [];
  const gpuBytes = gpu.memoryGiB * 2 ** 30;
  for (const model of models ?? (await listModels())) {
    if (model.moe) {
      skipped.push(`${model.name}: mixture of experts, which the planner does not plan`);
      continue;
    }
    const tooLarge: number[] = [];
    for (const tp of TENSOR_PARALLEL_DEGREES) {
      let shard;
      try {
        shard = shardModel(model, tp);
      } catch (error) {
        if (error instanceof InputError) continue; // a degree the model's heads or FFN do not divide
        throw error;
      }
      // The planner refuses a shard whose weights alone fill the GPU (planner/model/dense-batch.ts).
      if (shard.weightBytes >= gpuBytes) {
        tooLarge.push(tp);
        continue;
      }
      for (const shape of profiledGemmShapes(shard)) shapes.set(`${shape.n}x${shape.k}`, shape);
      const config = { headDim: shard.headDim, groupSize: shard.qHeads / shard.kvHeads, kvHeads: shard.kvHeads };
      attention.set(attentionKey(config), config);
    }
    if (tooLarge.length > 0) skipped.push(`${model.name} at TP ${tooLarge.join(", ")}: its weights do not fit one ${gpu.name}`);
  }
  return {
    gemmShapes: [...shapes.values()].sort((a, b) => a.n - b.n || a.k - b.k),
    attention: [...attention.values()].sort((a, b) => a.headDim - b.headDim || a.groupSize - b.groupSize || a.kvHeads - b.kvHeads),
    skipped,
  };
}

export function attentionKey(config: AttentionConfig): string {
  return `${config.headDim}/${config.groupSize}/${config.kvHeads}`;
}
