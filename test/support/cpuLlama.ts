/**
 * An independent float32 Llama on the CPU, reading the same safetensors folder as the runtime:
 * written from the Llama equations (RMSNorm, rotate-half RoPE, grouped-query softmax attention,
 * SiLU gate), not from the kernels. It keeps each request's keys and values in plain arrays.
 */
import path from "node:path";
import { bf16BitsToFloat32 } from "../../runtime/gpu/bf16.js";
import type { ModelShape } from "../../runtime/model/modelShape.js";
import { SafetensorsFile } from "../../runtime/weights/safetensors.js";

type Weights = Map<string, Float32Array>;

export class CpuLlama {
  /** Per request, per layer: keys and values of every position so far, [position][kvHeads * headDim]. */
  private readonly kv = new Map<number, { k: Float32Array[]; v: Float32Array[] }[]>();

  private constructor(readonly shape: ModelShape, private readonly w: Weights) {}

  static async load(folder: string, shape: ModelShape): Promise<CpuLlama> {
    const file = await SafetensorsFile.open(path.join(folder, "model.safetensors"));
    const weights: Weights = new Map();
    for (const name of file.tensors.keys()) {
      const tensor = await file.read(name);
      weights.set(name, tensor.dtype === "BF16" ? bf16BitsToFloat32(tensor.data) : tensor.data);
    }
    await file.close();
    return new CpuLlama(shape, weights);
  }

  /** The logits after `token` at `position` of request `id` (positions must come in order from 0). */
  decode(id: number, token: number, position: number): Float32Array {
    const { hiddenSize: h, headDim: d, qHeads, kvHeads, intermediate, vocab, layers, rmsNormEps: eps } = this.shape;
    const cache = this.kv.get(id) ?? Array.from({ length: layers }, () => ({ k: [] as Float32Array[], v: [] as Float32Array[] }));
    this.kv.set(id, cache);
    if (cache[0]!.k.length !== position) throw new Error(`request ${id}: position ${position} out of order (has ${cache[0]!.k.length})`);
    let x: Float32Array = this.w.get("model.embed_tokens.weight")!.slice(token * h, (token + 1) * h);
    for (let layer = 0; layer < layers; layer++) {
      const p = `model.layers.${layer}`;
      const normed = rmsnorm(x, this.weight(`${p}.input_layernorm.weight`), eps);
      const q = rope(matvec(this.weight(`${p}.self_attn.q_proj.weight`), normed, qHeads * d, h), qHeads, d, position, this.shape.ropeTheta);
      const k = rope(matvec(this.weight(`${p}.self_attn.k_proj.weight`), normed, kvHeads * d, h), kvHeads, d, position, this.shape.ropeTheta);
      const v = matvec(this.weight(`${p}.self_attn.v_proj.weight`), normed, kvHeads * d, h);
      cache[layer]!.k.push(k);
      cache[layer]!.v.push(v);
      const attention = attend(q, cache[layer]!.k, cache[layer]!.v, qHeads, kvHeads, d);
      x = add(x, matvec(this.weight(`${p}.self_attn.o_proj.weight`), attention, h, qHeads * d));
      const normed2 = rmsnorm(x, this.weight(`${p}.post_attention_layernorm.weight`), eps);
      const gate = matvec(this.weight(`${p}.mlp.gate_proj.weight`), normed2, intermediate, h);
      const up = matvec(this.weight(`${p}.mlp.up_proj.weight`), normed2, intermediate, h);
      const act = gate.map((g, i) => (g / (1 + Math.exp(-g))) * up[i]!);
      x = add(x, matvec(this.weight(`${p}.mlp.down_proj.weight`), act, h, intermediate));
    }
    const final = rmsnorm(x, this.weight("model.norm.weight"), eps);
    return matvec(this.weight(this.shape.tieWordEmbeddings ? "model.embed_tokens.weight" : "lm_head.weight"), final, vocab, h);
  }

  private weight(name: string): Float32Array {
    const tensor = this.w.get(name);
    if (!tensor) throw new Error(`no tensor ${name}`);
    return tensor;
  }
}

export function rmsnorm(x: Float32Array, weight: Float32Array, eps: number): Float32Array {
  let squares = 0;
  for (const value of x) squares += value * value;
  const scale = 1 / Math.sqrt(squares / x.length + eps);
  return x.map((value, i) => value * scale * weight[i]!);
}

/** y = W x for W [rows, cols] row-major. */
export function matvec(w: Float32Array, x: Float32Array, rows: number, cols: number): Float32Array {
  const y = new Float32Array(rows);
  for (let r = 0; r < rows; r++) {
    let sum = 0;
    const base = r * cols;
    for (let c = 0; c < cols; c++) sum += w[base + c]! * x[c]!;
    y[r] = sum;
  }
  return y;
}

/** Rotate-half RoPE of every head: pairs (i, i + d/2) turn by position · theta^(-2i/d). */
export function rope(x: Float32Array, heads: number, d: number, position: number, theta: number): Float32Array {
  const y = new Float32Array(x.length);
  const half = d / 2;
  for (let head = 0; head < heads; head++) {
    for (let i = 0; i < half; i++) {
      const angle = position * Math.pow(theta, (-2 * i) / d);
      const [a, b] = [x[head * d + i]!, x[head * d + i + half]!];
      y[head * d + i] = a * Math.cos(angle) - b * Math.sin(angle);
      y[head * d + i + half] = b * Math.cos(angle) + a * Math.sin(angle);
    }
  }
  return y;
}

/** Softmax attention of each query head over its KV head's keys, scaled by 1/sqrt(d). */
export function attend(q: Float32Array, keys: Float32Array[], values: Float32Array[], qHeads: number, kvHeads: number, d: number): Float32Array {
  const out = new Float32Array(qHeads * d);
  const group = qHeads / kvHeads;
  for (let head = 0; head < qHeads; head++) {
    const kvHead = Math.floor(head / group);
    const scores = keys.map((key) => {
      let dot = 0;
      for (let i = 0; i < d; i++) dot += q[head * d + i]! * key[kvHead * d + i]!;
      return dot / Math.sqrt(d);
    });
    const max = Math.max(...scores);
    const weights = scores.map((s) => Math.exp(s - max));
    const total = weights.reduce((a, b) => a + b, 0);
    for (let t = 0; t < values.length; t++) {
      for (let i = 0; i < d; i++) out[head * d + i] = out[head * d + i]! + (weights[t]! / total) * values[t]![kvHead * d + i]!;
    }
  }
  return out;
}

function add(a: Float32Array, b: Float32Array): Float32Array {
  return a.map((value, i) => value + b[i]!);
}
