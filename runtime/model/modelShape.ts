/**
 * The sizes one GPU's shard of the model runs with, from a plan: what the weights, the KV cache,
 * the activation buffers and every kernel launch are sized by.
 */
import { HfConfigSchema } from "../../planner/config/schema.js";
import { toResolvedModel } from "../../planner/config/hf-model.js";
import type { Plan } from "../../planner/plan/schema.js";
import { splitVocab, type VocabSplit } from "./vocabSplit.js";

/** The plan's per-GPU sizes, plus the config fields the kernels need. */
export interface ModelShape extends Omit<Plan["model"]["shard"], "weightBytes" | "kvBytesPerToken"> {
  name: string;
  rmsNormEps: number;
  ropeTheta: number;
  tieWordEmbeddings: boolean;
  attentionBias: boolean;
}

export function modelShapeOf(plan: Plan): ModelShape {
  const model = toResolvedModel(HfConfigSchema.parse(plan.model.config), { name: plan.model.name, id: plan.model.id, aliases: [], source: "plan" });
  const { weightBytes: _weights, kvBytesPerToken: _kv, ...sizes } = plan.model.shard;
  return {
    name: plan.model.name,
    ...sizes,
    rmsNormEps: model.rmsNormEps,
    ropeTheta: model.ropeTheta,
    tieWordEmbeddings: model.tieWordEmbeddings,
    attentionBias: model.attentionBias,
  };
}

/** Columns of the fused QKV projection: q heads, then k heads, then v heads. */
export function qkvWidth(shape: ModelShape): number {
  return (shape.qHeads + 2 * shape.kvHeads) * shape.headDim;
}

/** GPUs a plan runs on: its tensor-parallel degree where it all-reduces, else one shard alone. */
export function ranksOf(plan: Plan): number {
  return plan.allReduce ? plan.tensorParallel : 1;
}

/**
 * The plan's vocabulary over its ranks. A shard planned without all-reduces runs alone on one GPU,
 * its vocabulary rows taken as the whole vocabulary.
 */
export function vocabSplitOf(plan: Plan, shape: ModelShape): VocabSplit {
  const ranks = ranksOf(plan);
  return splitVocab(ranks === 1 ? shape.vocab : Number(plan.model.config.vocab_size), ranks);
}
