/**
 * A Llama's weights on one GPU in the layouts the kernels and GEMMs take: projections as
 * [out, in] bf16 (PyTorch Linear), Q/K/V fused into one [q | k | v] matrix and gate/up into [gate | up].
 */
import type { DeviceArray, Gpu } from "../gpu/index.js";
import type { ModelShape } from "../model/modelShape.js";
import { llamaTensorShapes, type WeightSource } from "../weights/weightSource.js";

type Bf16 = DeviceArray<"bf16">;

export interface LayerWeights {
  inputNorm: Bf16;
  qkv: Bf16;
  o: Bf16;
  postNorm: Bf16;
  gateUp: Bf16;
  down: Bf16;
}

export class DeviceWeights {
  private constructor(
    readonly embed: Bf16,
    readonly layers: readonly LayerWeights[],
    readonly finalNorm: Bf16,
    /** The embedding itself when the model ties them. */
    readonly lmHead: Bf16,
    private readonly owned: readonly Bf16[],
  ) {}

  static async load(gpu: Gpu, shape: ModelShape, source: WeightSource): Promise<DeviceWeights> {
    const shapes = llamaTensorShapes(shape);
    const owned: Bf16[] = [];
    const allocate = (elements: number) => {
      const array = gpu.allocate("bf16", elements);
      owned.push(array);
      return array;
    };
    // Uploads the named tensors one after another into one new array.
    const load = async (...names: string[]) => {
      const sizes = names.map((name) => shapes.get(name)!.reduce((a, b) => a * b, 1));
      const array = allocate(sizes.reduce((a, b) => a + b, 0));
      let offset = 0;
      for (const [index, name] of names.entries()) {
        array.upload(await source.tensor(name, shapes.get(name)!), offset);
        offset += sizes[index]!;
      }
      return array;
    };
    try {
      const embed = await load("model.embed_tokens.weight");
      const layers: LayerWeights[] = [];
      for (let layer = 0; layer < shape.layers; layer++) {
        const p = `model.layers.${layer}`;
        layers.push({
          inputNorm: await load(`${p}.input_layernorm.weight`),
          qkv: await load(`${p}.self_attn.q_proj.weight`, `${p}.self_attn.k_proj.weight`, `${p}.self_attn.v_proj.weight`),
          o: await load(`${p}.self_attn.o_proj.weight`),
          postNorm: await load(`${p}.post_attention_layernorm.weight`),
          gateUp: await load(`${p}.mlp.gate_proj.weight`, `${p}.mlp.up_proj.weight`),
          down: await load(`${p}.mlp.down_proj.weight`),
        });
      }
      const finalNorm = await load("model.norm.weight");
      const lmHead = shape.tieWordEmbeddings ? embed : await load("lm_head.weight");
      return new DeviceWeights(embed, layers, finalNorm, lmHead, owned);
    } catch (error) {
      for (const array of owned) array.dispose();
      throw error;
    }
  }

  get bytes(): number {
    return this.owned.reduce((sum, array) => sum + array.byteLength, 0);
  }

  dispose(): void {
    for (const array of this.owned) array.dispose();
  }
}
