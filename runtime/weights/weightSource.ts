/**
 * Where a Llama's weights come from, tensor by tensor under their Hugging Face names: a folder of
 * safetensors files, or seeded random values scaled so activations stay near unit size.
 */
import { readdir, readFile } from "node:fs/promises";
import path from "node:path";
import type { ModelShape } from "../model/modelShape.js";
import { SafetensorsFile } from "./safetensors.js";
import { seededUniform } from "./seededRandom.js";
import { fullShapeOf, isVocabTensor, shardSliceOf, sliceTensor, type FullSizes } from "./tensorShards.js";

export interface WeightSource {
  readonly description: string;
  /** The tensor of that name, checked against shape: bf16 bits or float32 values. */
  tensor(name: string, shape: readonly number[]): Promise<Uint16Array | Float32Array>;
  close(): Promise<void>;
}

/** Every tensor a Llama of this shape has, with its shape ([out, in] for projections). */
export function llamaTensorShapes(shape: ModelShape): Map<string, number[]> {
  const { hiddenSize: h, headDim: d, qHeads, kvHeads, intermediate: i, vocab } = shape;
  const tensors = new Map<string, number[]>([["model.embed_tokens.weight", [vocab, h]]]);
  for (let layer = 0; layer < shape.layers; layer++) {
    const p = `model.layers.${layer}`;
    tensors.set(`${p}.input_layernorm.weight`, [h]);
    tensors.set(`${p}.self_attn.q_proj.weight`, [qHeads * d, h]);
    tensors.set(`${p}.self_attn.k_proj.weight`, [kvHeads * d, h]);
    tensors.set(`${p}.self_attn.v_proj.weight`, [kvHeads * d, h]);
    tensors.set(`${p}.self_attn.o_proj.weight`, [h, qHeads * d]);
    tensors.set(`${p}.post_attention_layernorm.weight`, [h]);
    tensors.set(`${p}.mlp.gate_proj.weight`, [i, h]);
    tensors.set(`${p}.mlp.up_proj.weight`, [i, h]);
    tensors.set(`${p}.mlp.down_proj.weight`, [h, i]);
  }
  tensors.set("model.norm.weight", [h]);
  if (!shape.tieWordEmbeddings) tensors.set("lm_head.weight", [vocab, h]);
  return tensors;
}

/**
 * Seeded random weights: norms near 1, embeddings in [-1, 1), projections of standard deviation
 * 1/sqrt(in). A tensor-parallel rank draws its own shard (rank 0 the same values as one GPU); the
 * embedding and LM head rows past `vocabRows` are zero, as the padding of a sliced shard is.
 */
export function randomWeights(seed: number, rank = 0, vocabRows = Infinity): WeightSource {
  const key = (name: string) => (rank === 0 ? `${seed}:${name}` : `${seed}:${name}:rank${rank}`);
  return {
    description: `random weights (seed ${seed}${rank === 0 ? "" : `, rank ${rank}`})`,
    tensor: async (name, shape) => {
      const count = shape.reduce((a, b) => a * b, 1);
      if (shape.length === 1) return seededUniform(key(name), count, 0.1, 1);
      const scale = name.includes("embed_tokens") ? 1 : Math.sqrt(3 / shape[1]!);
      const values = seededUniform(key(name), count, scale);
      if (isVocabTensor(name) && vocabRows < shape[0]!) values.fill(0, vocabRows * shape[1]!);
      return values;
    },
    close: async () => undefined,
  };
}

/** A Hugging Face model folder: config.json and one or more *.safetensors files. */
export async function safetensorsFolder(folder: string): Promise<WeightSource & { config: Record<string, unknown> }> {
  const config = JSON.parse(await readFile(path.join(folder, "config.json"), "utf8")) as Record<string, unknown>;
  const names = (await readdir(folder)).filter((name) => name.endsWith(".safetensors")).sort();
  if (names.length === 0) throw new Error(`${folder} holds no .safetensors file`);
  const files = await Promise.all(names.map((name) => SafetensorsFile.open(path.join(folder, name))));
  const fileOf = new Map<string, SafetensorsFile>();
  for (const file of files) for (const name of file.tensors.keys()) fileOf.set(name, file);
  return {
    description: `${folder} (${names.length} safetensors file${names.length > 1 ? "s" : ""})`,
    config,
    tensor: async (name, shape) => {
      const file = fileOf.get(name);
      if (!file) throw new Error(`${folder} has no tensor ${name}`);
      const tensor = await file.read(name);
      if (tensor.shape.join(",") !== shape.join(",")) throw new Error(`${folder}: tensor ${name} has shape [${tensor.shape.join(", ")}], the plan's model needs [${shape.join(", ")}]`);
      return tensor.data;
    },
    close: async () => void (await Promise.all(files.map((file) => file.close()))),
  };
}

/**
 * Rank `rank`'s shard of a source of whole tensors (tensorShards.ts): asked for a shard's shape,
 * it reads the full tensor and slices it (zero-padding the last rank's vocabulary rows).
 */
export function tensorParallelShard(source: WeightSource, rank: number, ranks: number, fullSizes: FullSizes): WeightSource {
  if (ranks === 1) return source;
  return {
    description: `${source.description}, rank ${rank} of ${ranks}`,
    tensor: async (name, shape) => {
      const full = fullShapeOf(name, shape, ranks, fullSizes);
      return sliceTensor(await source.tensor(name, full), full, shardSliceOf(name, full, shape, rank, ranks));
    },
    // The caller closes the whole source once, after every rank.
    close: async () => undefined,
  };
}
