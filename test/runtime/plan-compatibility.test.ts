/** A plan is refused, with every difference listed, on another GPU or with features the runtime lacks. */
import { test } from "node:test";
import assert from "node:assert/strict";
import { readPlanFile } from "../../planner/plan/plan-file.js";
import { modelShapeOf } from "../../runtime/model/modelShape.js";
import { assertPlanRunnable, gpuDifferences, PlanMismatchError, unsupportedFeatures, weightsDifferences } from "../../runtime/plan/planCompatibility.js";
import { TINY_ODD_VOCAB, TINY_SHAPE, tinyPlanPath, tinyTp2PlanPath } from "../support/tinyLlama.js";

const H100 = { name: "NVIDIA H100 80GB HBM3", smCount: 132, totalMemoryBytes: 79.6 * 2 ** 30 };
const H200 = { name: "NVIDIA H200", smCount: 132, totalMemoryBytes: 139.8 * 2 ** 30 };

test("the tiny plan's model shape is read from the plan", async () => {
  assert.deepEqual(modelShapeOf(await readPlanFile(tinyPlanPath("h100"))), TINY_SHAPE);
});

test("an H100 plan runs on an H100 and is refused on an H200, naming the GPU and memory", async () => {
  const plan = await readPlanFile(tinyPlanPath("h100"));
  assert.deepEqual(gpuDifferences(plan, H100), []);
  assert.doesNotThrow(() => assertPlanRunnable(plan, "plan-h100.json", H100, modelShapeOf(plan)));
  const differences = gpuDifferences(plan, H200);
  assert.equal(differences.length, 2, differences.join("\n"));
  assert.match(differences[0]!, /planned for H100 SXM .*this is NVIDIA H200/);
  assert.match(differences[1]!, /memory: planned for 79\.\d GiB, this GPU has 139\.8 GiB/);
  assert.throws(() => assertPlanRunnable(plan, "plan-h100.json", H200, modelShapeOf(plan)), (error: unknown) => {
    assert.ok(error instanceof PlanMismatchError);
    assert.match(error.message, /plan-h100\.json cannot run here/);
    return true;
  });
  assert.match(gpuDifferences(plan, { ...H100, smCount: 114 }).join(), /SMs: planned for 132, this GPU has 114/);
});

test("prefill tokens, a shard that is not the runtime's vocabulary split, a batch over the attention kernel's rows and other head sizes are refused with the reason", async () => {
  const plan = await readPlanFile(tinyPlanPath("h100"));
  const shape = modelShapeOf(plan);
  assert.deepEqual(unsupportedFeatures(plan, shape), []);
  const tp2 = await readPlanFile(tinyTp2PlanPath("h100"));
  assert.deepEqual(unsupportedFeatures(tp2, modelShapeOf(tp2)), [], "tensor parallel with all-reduces runs");
  const changed = { ...tp2, model: { ...tp2.model, config: { ...tp2.model.config, vocab_size: 1001 } }, batch: { ...tp2.batch, prefillTokens: 512, decodeTokens: 8193 } };
  const missing = unsupportedFeatures(changed, { ...modelShapeOf(tp2), headDim: 64 });
  assert.equal(missing.length, 4, missing.join("\n"));
  assert.match(missing[0]!, /no prefill attention kernel yet.*decode-1024/);
  assert.match(missing[1]!, /vocabulary 1001 over 2 GPUs: the plan's shard holds 500 vocabulary rows, the runtime gives each rank ceil\(1001 \/ 2\) = 501/);
  assert.match(missing[2]!, /a batch of 8193 decode tokens: the attention kernel takes at most 8192 a launch/);
  assert.match(missing[3]!, /head size 64/);
});

test("a vocabulary that does not divide by the GPUs runs: shards of ceil(vocab / N) rows, on 2 GPUs as on one", async () => {
  const tp2 = await readPlanFile(tinyTp2PlanPath("h100", TINY_ODD_VOCAB));
  assert.deepEqual(unsupportedFeatures(tp2, modelShapeOf(tp2)), []);
  const one = await readPlanFile(tinyPlanPath("h100", TINY_ODD_VOCAB));
  assert.deepEqual(unsupportedFeatures(one, modelShapeOf(one)), []);
});

test("weights whose config.json differs from the plan's model are named field by field", async () => {
  const plan = await readPlanFile(tinyPlanPath("h100"));
  const shape = modelShapeOf(plan);
  const config = { hidden_size: 512, intermediate_size: 1024, num_attention_heads: 4, num_key_value_heads: 2, head_dim: 128, num_hidden_layers: 2, vocab_size: 1000 };
  assert.deepEqual(weightsDifferences(plan, shape, config), []);
  const differences = weightsDifferences(plan, shape, { ...config, num_hidden_layers: 4, vocab_size: 32000 });
  assert.deepEqual(differences, [
    "weights: num_hidden_layers is 4 in the weights' config.json, the plan's model (tiny-llama) has 2",
    "weights: vocab_size is 32000 in the weights' config.json, the plan's model (tiny-llama) has 1000",
  ]);
  // A tensor-parallel plan's shape is a shard; the weights are the whole model.
  const tp2 = await readPlanFile(tinyTp2PlanPath("h100"));
  assert.deepEqual(weightsDifferences(tp2, modelShapeOf(tp2), config), []);
  assert.match(weightsDifferences(tp2, modelShapeOf(tp2), { ...config, intermediate_size: 512 })[0]!, /intermediate_size is 512 .* has 1024/);
  // Over an uneven split the shards hold more rows than the vocabulary: the weights are checked against the model's.
  const odd = await readPlanFile(tinyTp2PlanPath("h100", TINY_ODD_VOCAB));
  assert.deepEqual(weightsDifferences(odd, modelShapeOf(odd), { ...config, vocab_size: 1001 }), []);
  assert.match(weightsDifferences(odd, modelShapeOf(odd), config)[0]!, /vocab_size is 1000 .* has 1001/);
});
