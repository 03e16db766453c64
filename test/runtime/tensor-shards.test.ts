/**
 * Tensor-parallel slicing of Hugging Face tensors on the CPU: the ranks' slices put back together
 * are the whole tensor (a vocabulary that does not divide by the ranks: the last rank's embedding
 * and LM head padded with zero rows), KV heads are shared where there are fewer than ranks, and a
 * Llama MLP and attention output computed shard by shard and summed (the all-reduce) equal the
 * whole model's.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import type { ModelShape } from "../../runtime/model/modelShape.js";
import { llamaTensorShapes, randomWeights, tensorParallelShard, type WeightSource } from "../../runtime/weights/weightSource.js";
import { fullShapeOf, shardAxisOf, shardSliceOf, sliceTensor, type FullSizes } from "../../runtime/weights/tensorShards.js";
import { seededUniform } from "../../runtime/weights/seededRandom.js";
import { TINY_ODD_VOCAB, TINY_SHAPE } from "../support/tinyLlama.js";

/** A source of whole tensors: seeded values at the whole model's shapes, refusing any other shape. */
function wholeModel(model: ModelShape = TINY_SHAPE): WeightSource {
  const shapes = llamaTensorShapes(model);
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

/** A tiny model's shard at `ranks` GPUs, as the plan states it. */
function shardShape(ranks: number, model: ModelShape = TINY_SHAPE): ModelShape {
  return { ...model, qHeads: model.qHeads / ranks, kvHeads: Math.max(1, model.kvHeads / ranks), intermediate: model.intermediate / ranks, vocab: Math.ceil(model.vocab / ranks) };
}

function fullSizes(model: ModelShape = TINY_SHAPE): FullSizes {
  return { kvRows: model.kvHeads * model.headDim, vocab: model.vocab };
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

for (const model of [TINY_SHAPE, TINY_ODD_VOCAB.shape]) {
  test(`the ranks' slices of every tensor put back together are the whole tensor (vocabulary ${model.vocab} over 2 ranks)`, async () => {
    const ranks = 2;
    const whole = wholeModel(model);
    const shards = [0, 1].map((rank) => tensorParallelShard(whole, rank, ranks, fullSizes(model)));
    const shardShapes = llamaTensorShapes(shardShape(ranks, model));
    for (const [name, full] of llamaTensorShapes(model)) {
      const shape = shardShapes.get(name)!;
      assert.deepEqual(fullShapeOf(name, shape, ranks, fullSizes(model)), full, name);
      const parts = await Promise.all(shards.map((shard) => shard.tensor(name, shape)));
      for (const part of parts) assert.equal(part.length, shape.reduce((a, b) => a * b, 1), `${name}: every rank's shard has the shard's shape`);
      const expected = await whole.tensor(name, full);
      const axis = shardAxisOf(name);
      if (axis === "replicated") for (const part of parts) assert.deepEqual(part, expected, name);
      else if (axis === "rows") {
        const joined = Float32Array.from([...parts[0]!, ...parts[1]!]);
        assert.deepEqual(joined.subarray(0, expected.length), expected, name);
        // Past the vocabulary: the last rank's zero padding (none where the vocabulary divides).
        assert.deepEqual([...joined.subarray(expected.length)], Array(joined.length - expected.length).fill(0), `${name}: padding`);
      } else {
        const [rows, columns] = shape as [number, number];
        const joined = new Float32Array(rows * columns * ranks);
        for (let row = 0; row < rows; row++) parts.forEach((part, rank) => joined.set(part.subarray(row * columns, (row + 1) * columns), row * columns * ranks + rank * columns));
        assert.deepEqual(joined, expected, name);
      }
    }
  });
}

test("the last rank's vocabulary slice is its real rows then zero rows, bf16 bits or float32 alike", () => {
  // 5 vocabulary rows of 2 columns over 2 ranks: shards of 3 rows, rank 1 holds rows 3, 4 and one zero row.
  const name = "lm_head.weight";
  const bits = Uint16Array.from({ length: 10 }, (_, i) => 0x3f80 + i);
  const slices = [0, 1].map((rank) => shardSliceOf(name, [5, 2], [3, 2], rank, 2));
  assert.deepEqual(slices, [{ axis: "rows", begin: 0, count: 3, padding: 0 }, { axis: "rows", begin: 3, count: 2, padding: 1 }]);
  assert.deepEqual([...sliceTensor(bits, [5, 2], slices[0]!)], [...bits.subarray(0, 6)]);
  const last = sliceTensor(bits, [5, 2], slices[1]!);
  assert.ok(last instanceof Uint16Array);
  assert.deepEqual([...last], [...bits.subarray(6, 10), 0, 0]);
  const floats = sliceTensor(Float32Array.from({ length: 10 }, (_, i) => i + 1), [5, 2], slices[1]!);
  assert.deepEqual([...floats], [7, 8, 9, 10, 0, 0]);
  assert.deepEqual(fullShapeOf("model.embed_tokens.weight", [3, 2], 2, { kvRows: 4, vocab: 5 }), [5, 2]);
  assert.throws(() => shardSliceOf(name, [5, 2], [2, 2], 0, 2), /vocabulary of 5 over 2 ranks is 3 rows a rank, the shard asked for has 2/);
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
    const shard = tensorParallelShard(whole, rank, ranks, fullSizes());
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

test("random weights: a rank's embedding and LM-head rows past its real vocabulary rows are zero", async () => {
  const rows = await randomWeights(7, 1, 3).tensor("lm_head.weight", [5, 4]);
  assert.ok(rows.subarray(0, 12).every((value) => value !== 0));
  assert.deepEqual([...rows.subarray(12)], Array(8).fill(0));
  const up = await randomWeights(7, 1, 3).tensor("model.layers.0.mlp.up_proj.weight", [5, 4]);
  assert.ok(up.every((value) => value !== 0), "only the vocabulary tensors are padded");
});
