/** One GPU's tensor-parallel shard of a model: the per-GPU sizes every cost is computed from. */
import { InputError } from "../errors.js";
import type { ResolvedModel } from "../config/index.js";

export interface Shard {
  tensorParallel: number;
  hiddenSize: number;
  headDim: number;
  /** Query heads on this GPU. */
  qHeads: number;
  /** KV heads on this GPU (replicated when the model has fewer KV heads than GPUs). */
  kvHeads: number;
  /** FFN width on this GPU. */
  intermediate: number;
  /** Vocabulary rows on this GPU (vocabulary-parallel embedding and LM head). */
  vocab: number;
  layers: number;
  /** Parameters held by this GPU, bf16. */
  weightBytes: number;
  /** KV-cache bytes per token on this GPU, all layers. */
  kvBytesPerToken: number;
}

const BYTES = 2;

export function shardModel(model: ResolvedModel, tp: number): Shard {
  if (model.moe) {
    throw new InputError(
      `${model.name} is a mixture-of-experts model (${model.moe.experts} experts, ${model.moe.expertsPerToken} per token); ` +
        "the planner cannot plan expert routing yet. Plan a dense Llama-family model instead",
      "--model",
    );
  }
  if (!Number.isInteger(tp) || tp < 1) throw new InputError(`--gpus must be a positive integer, got ${tp}`, "--gpus");
  if (model.numHeads % tp !== 0) {
    throw new InputError(
      `--gpus ${tp} does not divide ${model.name}'s ${model.numHeads} attention heads; use one of ${divisors(model.numHeads).join(", ")}`,
      "--gpus",
    );
  }
  if (model.numKvHeads % tp !== 0 && tp % model.numKvHeads !== 0) {
    throw new InputError(
      `--gpus ${tp} neither divides nor is a multiple of ${model.name}'s ${model.numKvHeads} KV heads`,
      "--gpus",
    );
  }
  if (model.intermediateSize % tp !== 0) {
    throw new InputError(`--gpus ${tp} does not divide ${model.name}'s FFN width ${model.intermediateSize}`, "--gpus");
  }
  const qHeads = model.numHeads / tp;
  const kvHeads = Math.max(1, model.numKvHeads / tp);
  const intermediate = model.intermediateSize / tp;
  const vocab = Math.ceil(model.vocabSize / tp);
  const h = model.hiddenSize;
  const d = model.headDim;
  const perLayer = h * (qHeads + 2 * kvHeads) * d + qHeads * d * h + 3 * h * intermediate + 2 * h;
  const embeddings = vocab * h * (model.tieWordEmbeddings ? 1 : 2);
  return {
    tensorParallel: tp,
    hiddenSize: h,
    headDim: d,
    qHeads,
    kvHeads,
    intermediate,
    vocab,
    layers: model.numLayers,
    weightBytes: (model.numLayers * perLayer + embeddings + h) * BYTES,
    kvBytesPerToken: model.numLayers * kvHeads * d * 2 * BYTES,
  };
}

/** The GEMMs of one layer as (n, k): C[tokens, n] = A[tokens, k] · W[n, k]^T. */
export function layerGemmShapes(shard: Pick<Shard, "hiddenSize" | "qHeads" | "kvHeads" | "headDim" | "intermediate">): { qkv: GemmShape; o: GemmShape; gateUp: GemmShape; down: GemmShape } {
  const h = shard.hiddenSize;
  return {
    qkv: { n: (shard.qHeads + 2 * shard.kvHeads) * shard.headDim, k: h },
    o: { n: h, k: shard.qHeads * shard.headDim },
    gateUp: { n: 2 * shard.intermediate, k: h },
    down: { n: h, k: shard.intermediate },
  };
}

export interface GemmShape {
  n: number;
  k: number;
}

function divisors(n: number): number[] {
  const out: number[] = [];
  for (let d = 1; d <= n && d <= 64; d++) if (n % d === 0) out.push(d);
  return out;
}
