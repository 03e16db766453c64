/**
 * Tensor-parallel slicing of Hugging Face tensors on the CPU: the ranks' slices put back together
 * are the whole tensor, KV heads are shared where there are fewer than ranks, and a Llama MLP and
 * attention output computed shard by shard and summed (the all-reduce) equal the whole model's.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import { llamaTensorShapes, randomWeights, tensorParallelShard, type WeightSource } from "../../runtime/weights/weightSource.js";
import { fullShapeOf, shardAxisOf, shardSliceOf, sliceTensor } from "../../runtime/weights/tensorShards.js";
import { seededUniform } from "../../runtime/weights/seededRandom.js";
import { TINY_SHAPE } from "../support/tinyLlama.js";

/** A source of whole tensors: seeded values at the whole model's shapes, refusing any other shape. */
function wholeModel(): WeightSource {
  const shapes = llamaTensorShapes(TINY_SHAPE);
  const random = randomWeights(3);
  return {
    description: "whole tiny model",
    tensor: async (name, shape) => {
      assert.deepEqual(shape, shapes.get(name), `${name} asked at its whole shape`);
      return random.tensor(name, shape);
    },
    close: async () => undefined,
  };
}

/** The tiny model's shard at `ranks` GPUs, as the plan states it. */
function shardShape(ranks: number) {
  return { ...TINY_SHAPE, qHeads: TINY_SHAPE.qHeads / ranks, kvHeads: Math.max(1, TINY_SHAPE.kvHeads / ranks), intermediate: TINY_SHAPE.intermediate / ranks, vocab: TINY_SHAPE.vocab / ranks };
}

test("each tensor is split by the axis Megatron-style tensor parallelism uses", () => {
  assert.equal(shardAxisOf("model.layers.3.self_attn.q_proj.weight"), "rows");
  assert.equal(shardAxisOf("model.layers.3.self_attn.v_proj.weight"), "rows");
  assert.equal(shardAxisOf("model.layers.3.mlp.up_proj.weight"), "rows");
  assert.equal(shardAxisOf("model.embed_tokens.weight"), "rows");
  assert.equal(shardAxisOf("lm_head.weight"), "rows");
  assert.equal(shardAxisOf("model.layers.3.self_attn.o_proj.weight"), "columns");
  assert.equal(shardAxisOf("model.layers.3.mlp.down_proj.weight"), "columns");
  assert.equal(shardAxisOf("model.layers.3.input_layernorm.weight"), "replicated");
  assert.equal(shardAxisOf("model.norm.weight"), "replicated");
});

test("the ranks' slices of every tensor put back together are the whole tensor", async () => {
  const ranks = 2;
  const whole = wholeModel();
  const shards = [0, 1].map((rank) => tensorParallelShard(whole, rank, ranks, TINY_SHAPE.kvHeads * TINY_SHAPE.headDim));
  const shardShapes = llamaTensorShapes(shardShape(ranks));
  for (const [name, full] of llamaTensorShapes(TINY_SHAPE)) {
    const shape = shardShapes.get(name)!;
    assert.deepEqual(fullShapeOf(name, shape, ranks, TINY_SHAPE.kvHeads * TINY_SHAPE.headDim), full, name);
    const parts = await Promise.all(shards.map((shard) => shard.tensor(name, shape)));
    const expected = await whole.tensor(name, full);
    const axis = shardAxisOf(name);
    if (axis === "replicated") for (const part of parts) assert.deepEqual(part, expected, name);
    else if (axis === "rows") assert.deepEqual(Float32Array.from([...parts[0]!, ...parts[1]!]), expected, name);
    else {
      const [rows, columns] = shape as [number, number];
      const joined = new Float32Array(rows * columns * ranks);
      for (let row = 0; row < rows; row++) parts.forEach((part, rank) => joined.set(part.subarray(row * columns, (row + 1) * columns), row * columns * ranks + rank * columns));
      assert.deepEqual(joined, expected, name);
    }
  }
});

test("with fewer KV heads than ranks, each rank gets the KV head its query heads use", () => {
  // 2 KV heads of 3 rows over 4 ranks: ranks 0, 1 share head 0; ranks 2, 3 head 1.
  const full = Float32Array.from({ length: 6 * 2 }, (_, i) => i);
  const name = "model.layers.0.self_attn.k_proj.weight";
  const heads = [0, 1, 2, 3].map((rank) => sliceTensor(full, [6, 2], shardSliceOf(name, [6, 2], [3, 2], rank, 4)));
  assert.deepEqual(heads.map((head) => head[0]), [0, 0, 6, 6]);
  assert.throws(() => shardSliceOf(name, [6, 2], [2, 2], 0, 4), /do not split/);
});

test("a Llama MLP and attention output computed per shard and summed over ranks equal the whole model's", async () => {
  const ranks = 2;
  const h = TINY_SHAPE.hiddenSize;
  const whole = wholeModel();
  const x = seededUniform("mlp input", h, 1);
  const attention = seededUniform("attention output", TINY_SHAPE.qHeads * TINY_SHAPE.headDim, 1);
  const layer = "model.layers.1";
  const shapes = llamaTensorShapes(TINY_SHAPE);
  const matvec = (w: ArrayLike<number>, v: ArrayLike<number>, rows: number, columns: number) =>
    Float64Array.from({ length: rows }, (_, r) => { let sum = 0; for (let c = 0; c < columns; c++) sum += w[r * columns + c]! * v[c]!; return sum; });
  const mlp = (gate: ArrayLike<number>, up: ArrayLike<number>, down: ArrayLike<number>, width: number) => {
    const g = matvec(gate, x, width, h);
    const u = matvec(up, x, width, h);
    const hidden = g.map((value, i) => (value / (1 + Math.exp(-value))) * u[i]!);
    return matvec(down, hidden, h, width);
  };
  const get = (source: WeightSource, name: string, shape: number[]) => source.tensor(`${layer}.${name}`, shape);
  const i = TINY_SHAPE.intermediate;
  const expectedMlp = mlp(await get(whole, "mlp.gate_proj.weight", [i, h]), await get(whole, "mlp.up_proj.weight", [i, h]), await get(whole, "mlp.down_proj.weight", [h, i]), i);
  const oWhole = await get(whole, "self_attn.o_proj.weight", shapes.get(`${layer}.self_attn.o_proj.weight`)!);
  const expectedO = matvec(oWhole, attention, h, attention.length);
  const summedMlp = new Float64Array(h);
  const summedO = new Float64Array(h);
  for (let rank = 0; rank < ranks; rank++) {
    const shard = tensorParallelShard(whole, rank, ranks, TINY_SHAPE.kvHeads * TINY_SHAPE.headDim);
    const s = i / ranks;
    mlp(await get(shard, "mlp.gate_proj.weight", [s, h]), await get(shard, "mlp.up_proj.weight", [s, h]), await get(shard, "mlp.down_proj.weight", [h, s]), s).forEach((value, r) => void (summedMlp[r] = summedMlp[r]! + value));
    // Rank r's attention output is its query heads' columns.
    const width = attention.length / ranks;
    const heads = attention.subarray(rank * width, (rank + 1) * width);
    matvec(await get(shard, "self_attn.o_proj.weight", [h, width]), heads, h, width).forEach((value, r) => void (summedO[r] = summedO[r]! + value));
  }
  for (let r = 0; r < h; r++) {
    assert.ok(Math.abs(summedMlp[r]! - expectedMlp[r]!) < 1e-9, `MLP row ${r}`);
    assert.ok(Math.abs(summedO[r]! - expectedO[r]!) < 1e-9, `O row ${r}`);
  }
});

test("random weights: rank 0 draws what one GPU draws, other ranks their own values", async () => {
  const shape = [4, 8];
  const one = await randomWeights(7).tensor("model.layers.0.mlp.up_proj.weight", shape);
  assert.deepEqual(await randomWeights(7, 0).tensor("model.layers.0.mlp.up_proj.weight", shape), one);
  assert.notDeepEqual(await randomWeights(7, 1).tensor("model.layers.0.mlp.up_proj.weight", shape), one);
});
