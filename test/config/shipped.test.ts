import { test } from "node:test";
import assert from "node:assert/strict";
import {
  DEFAULT_GPU,
  DEFAULT_WORKLOAD,
  listGpus,
  listModels,
  listWorkloads,
  resolveGpu,
  resolveModel,
  resolveWorkload,
} from "../../planner/config/index.js";

// Shapes from each model's Hugging Face config.json.
const SHAPES = {
  "Llama-2-7B": { hiddenSize: 4096, intermediateSize: 11008, numHeads: 32, numKvHeads: 32, numLayers: 32, vocabSize: 32000 },
  "Llama-2-13B": { hiddenSize: 5120, intermediateSize: 13824, numHeads: 40, numKvHeads: 40, numLayers: 40, vocabSize: 32000 },
  "Llama-2-70B": { hiddenSize: 8192, intermediateSize: 28672, numHeads: 64, numKvHeads: 8, numLayers: 80, vocabSize: 32000 },
  "Llama-3-8B": { hiddenSize: 4096, intermediateSize: 14336, numHeads: 32, numKvHeads: 8, numLayers: 32, vocabSize: 128256 },
  "Llama-3-70B": { hiddenSize: 8192, intermediateSize: 28672, numHeads: 64, numKvHeads: 8, numLayers: 80, vocabSize: 128256 },
  "Llama-3.1-405B": { hiddenSize: 16384, intermediateSize: 53248, numHeads: 128, numKvHeads: 8, numLayers: 126, vocabSize: 128256 },
  "Qwen2-72B": { hiddenSize: 8192, intermediateSize: 29568, numHeads: 64, numKvHeads: 8, numLayers: 80, vocabSize: 152064 },
  "Mixtral-8x7B": { hiddenSize: 4096, intermediateSize: 14336, numHeads: 32, numKvHeads: 8, numLayers: 32, vocabSize: 32000 },
};

test("every shipped model validates, resolves and has the shape of its HF config", async () => {
  const models = await listModels();
  assert.deepEqual(models.map((m) => m.name).sort(), Object.keys(SHAPES).sort());
  for (const model of models) {
    const { hiddenSize, intermediateSize, numHeads, numKvHeads, numLayers, vocabSize } = model;
    const shape = { hiddenSize, intermediateSize, numHeads, numKvHeads, numLayers, vocabSize };
    assert.deepEqual(shape, SHAPES[model.name as keyof typeof SHAPES], model.name);
    assert.equal(model.headDim, 128, model.name);
    assert.equal(model.bytesPerParam, 2);
    assert.equal(model.id, model.name, "file id and display name agree");
  }
});

test("llama-70b is Llama-2-70B, NanoFlow's main case", async () => {
  const model = await resolveModel("llama-70b");
  assert.equal(model.name, "Llama-2-70B");
  assert.equal(model.hf.model_type, "llama");
  assert.equal(model.attentionBias, false);
  assert.equal(model.moe, undefined);
});

test("every alias, name and file id resolves to its own model, in any case", async () => {
  for (const model of await listModels()) {
    for (const name of [model.id, model.name, ...model.aliases]) {
      assert.equal((await resolveModel(name)).name, model.name, name);
      assert.equal((await resolveModel(name.toUpperCase())).name, model.name, name.toUpperCase());
    }
  }
});

test("the short aliases point at the intended generation", async () => {
  const expected: Record<string, string> = {
    "llama-7b": "Llama-2-7B",
    "llama-13b": "Llama-2-13B",
    "llama3-8b": "Llama-3-8B",
    "llama-3-8b": "Llama-3-8B",
    "llama-3-70b": "Llama-3-70B",
    "llama-405b": "Llama-3.1-405B",
    "llama-3.1-405b": "Llama-3.1-405B",
    "qwen2-72b": "Qwen2-72B",
    "mixtral-8x7b": "Mixtral-8x7B",
  };
  for (const [alias, name] of Object.entries(expected)) assert.equal((await resolveModel(alias)).name, name, alias);
});

test("Qwen2 has a QKV bias and Mixtral is resolved as a mixture of experts", async () => {
  assert.equal((await resolveModel("qwen2-72b")).attentionBias, true);
  assert.deepEqual((await resolveModel("mixtral-8x7b")).moe, { experts: 8, expertsPerToken: 2 });
});

test("every shipped GPU validates; the default is the H100 SXM; aliases resolve", async () => {
  const gpus = await listGpus();
  assert.deepEqual(gpus.map((g) => g.name).sort(), ["A100-80GB SXM", "H100 SXM", "H200 SXM"]);
  for (const gpu of gpus) {
    for (const name of [gpu.id, gpu.name, ...gpu.aliases]) assert.equal((await resolveGpu(name)).name, gpu.name, name);
  }
  const h100 = await resolveGpu(DEFAULT_GPU);
  assert.equal(h100.sms, 132);
  assert.deepEqual(h100.partition, { granularity: 8, min: 8 });
  assert.equal((await resolveGpu("h200")).memoryBandwidthTBs, 4.8);
  assert.equal((await resolveGpu("a100")).sms, 108);
});

test("every shipped workload validates and is found by its name", async () => {
  const workloads = await listWorkloads();
  for (const workload of workloads) {
    assert.equal(workload.id, workload.name, "file id and name agree");
    assert.equal((await resolveWorkload(workload.name)).name, workload.name);
  }
  const fallback = await resolveWorkload(DEFAULT_WORKLOAD);
  assert.deepEqual(fallback.kind === "continuous" && [fallback.promptTokens, fallback.outputTokens], [1024, 512]);
  const decode = await resolveWorkload("decode-1024");
  assert.equal(decode.kind === "decode" && decode.contextTokens, 1024);
});

test("no two shipped configs of a kind answer to the same name", async () => {
  const catalogs = [
    (await listModels()).map((m) => [m.id, m.name, ...m.aliases]),
    (await listGpus()).map((g) => [g.id, g.name, ...g.aliases]),
    (await listWorkloads()).map((w) => [w.id, w.name]),
  ];
  for (const entries of catalogs) {
    const owners = new Map<string, number>();
    entries.forEach((names, index) => {
      for (const name of new Set(names.map((n) => n.toLowerCase()))) {
        assert.equal(owners.get(name) ?? index, index, `"${name}" names two entries`);
        owners.set(name, index);
      }
    });
  }
});
