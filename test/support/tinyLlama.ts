/**
 * The tiny Llama of test/fixtures/tiny-llama (2 layers, hidden 512, 4 heads of 128, 2 KV heads,
 * vocabulary 1000) as a Hugging Face folder: its config.json and a model.safetensors of seeded
 * random bf16 weights, written to a temporary folder. Its twin in test/fixtures/tiny-llama-odd-vocab
 * differs only in its vocabulary of 1001, which does not divide by 2 GPUs.
 */
import { copyFile, mkdtemp, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { float32ToBf16Bits } from "../../runtime/gpu/bf16.js";
import type { ModelShape } from "../../runtime/model/modelShape.js";
import { encodeSafetensors, type TensorData } from "../../runtime/weights/safetensors.js";
import { llamaTensorShapes, randomWeights } from "../../runtime/weights/weightSource.js";
import { REPOSITORY_ROOT } from "./repository.js";

export const TINY_LLAMA_DIR = path.join(REPOSITORY_ROOT, "test/fixtures/tiny-llama");

export const TINY_SHAPE: ModelShape = {
  name: "tiny-llama", hiddenSize: 512, headDim: 128, qHeads: 4, kvHeads: 2, intermediate: 1024, vocab: 1000, layers: 2,
  rmsNormEps: 1e-5, ropeTheta: 10000, tieWordEmbeddings: false, attentionBias: false,
};

/** A tiny model's fixture folder (config.json and plans) and its whole shape. */
export interface TinyModel {
  dir: string;
  shape: ModelShape;
}

export const TINY_LLAMA: TinyModel = { dir: TINY_LLAMA_DIR, shape: TINY_SHAPE };
export const TINY_ODD_VOCAB: TinyModel = { dir: path.join(REPOSITORY_ROOT, "test/fixtures/tiny-llama-odd-vocab"), shape: { ...TINY_SHAPE, name: "tiny-llama-odd-vocab", vocab: 1001 } };

/**
 * The plan made for a tiny model on `gpu` (h100 or h200):
 * nanoweave plan --model <dir>/config.json --gpu <gpu> --workload decode-1024 --batch 256 --granule 16.
 */
export function tinyPlanPath(gpu: "h100" | "h200", model = TINY_LLAMA): string {
  return path.join(model.dir, `plan-${gpu}.json`);
}

/** A tiny model over 2 GPUs with all-reduces: the same plan command with --gpus 2 --nano-batches 2. */
export function tinyTp2PlanPath(gpu: "h100" | "h200", model = TINY_LLAMA): string {
  return path.join(model.dir, `plan-tp2-${gpu}.json`);
}

/** A folder holding a tiny model's config.json and model.safetensors with the seed's weights. */
export async function writeTinyLlama(seed: number, model = TINY_LLAMA): Promise<string> {
  const folder = await mkdtemp(path.join(tmpdir(), "nanoweave-tiny-llama-"));
  await copyFile(path.join(model.dir, "config.json"), path.join(folder, "config.json"));
  const source = randomWeights(seed);
  const tensors = new Map<string, TensorData>();
  for (const [name, shape] of llamaTensorShapes(model.shape)) {
    const values = (await source.tensor(name, shape)) as Float32Array;
    tensors.set(name, { dtype: "BF16", shape, data: float32ToBf16Bits(values) });
  }
  await writeFile(path.join(folder, "model.safetensors"), encodeSafetensors(tensors, { format: "pt" }));
  return folder;
}
