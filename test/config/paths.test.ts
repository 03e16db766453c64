import { test } from "node:test";
import { fileURLToPath } from "node:url";
import assert from "node:assert/strict";
import { join } from "node:path";
import { CONFIGS_DIR, resolveGpu, resolveModel, resolveWorkload } from "../../planner/config/index.js";

// The compiled test runs from dist/test/config; the fixtures stay in test/fixtures.
const fixture = (name: string) => fileURLToPath(new URL(`../../../test/fixtures/config/${name}`, import.meta.url));

test("a raw Hugging Face config.json resolves by path, named after its folder, extra keys kept", async () => {
  const file = fixture("TinyLlama-1.1B/config.json");
  const model = await resolveModel(file);
  assert.equal(model.name, "TinyLlama-1.1B");
  assert.equal(model.id, file);
  assert.equal(model.source, file);
  assert.deepEqual(model.aliases, []);
  assert.deepEqual([model.numHeads, model.numKvHeads, model.headDim, model.numLayers], [32, 4, 64, 22]);
  assert.equal(model.hf.bos_token_id, 1);
  assert.equal(model.hf._name_or_path, "TinyLlama/TinyLlama-1.1B-intermediate-step-1431k-3T");
});

test("the folder of a Hugging Face checkpoint resolves like its config.json", async () => {
  const model = await resolveModel(fixture("TinyLlama-1.1B"));
  assert.equal(model.name, "TinyLlama-1.1B");
  assert.equal(model.intermediateSize, 5632);
});

test("a config that leaves fields out gets the transformers defaults, and keeps its raw form", async () => {
  const model = await resolveModel(fixture("minimal-hf.json"));
  assert.equal(model.name, "minimal-hf");
  assert.equal(model.numKvHeads, 16, "num_key_value_heads defaults to num_attention_heads");
  assert.equal(model.headDim, 64, "head_dim defaults to hidden_size / num_attention_heads");
  assert.equal(model.rmsNormEps, 1e-6);
  assert.equal(model.ropeTheta, 10000);
  assert.equal(model.tieWordEmbeddings, false);
  assert.equal(model.maxPositionEmbeddings, undefined);
  assert.equal("num_key_value_heads" in model.hf, false);
});

test("a shipped model file also resolves by path", async () => {
  const model = await resolveModel(join(CONFIGS_DIR, "models", "Llama-2-70B.json"));
  assert.equal(model.name, "Llama-2-70B");
  assert.deepEqual(model.aliases, ["llama-70b", "llama-2-70b", "llama2-70b"]);
});

test("GPU and workload files resolve by path", async () => {
  assert.equal((await resolveGpu(join(CONFIGS_DIR, "gpus", "H200-SXM.json"))).name, "H200 SXM");
  const workload = await resolveWorkload(fixture("workload-custom.json"));
  assert.equal(workload.kind, "continuous");
  assert.equal(workload.name, "long-answers");
});
