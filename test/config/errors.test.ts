import { test } from "node:test";
import { fileURLToPath } from "node:url";
import assert from "node:assert/strict";
import { InputError } from "../../planner/errors.js";
import { resolveGpu, resolveModel, resolveWorkload } from "../../planner/config/index.js";

const fixture = (name: string) => fileURLToPath(new URL(`../../../test/fixtures/config/${name}`, import.meta.url));

/** Asserts that `promise` fails with an InputError whose message contains every one of `parts`. */
async function rejectsWith(promise: Promise<unknown>, ...parts: string[]): Promise<string> {
  const error = await promise.then(
    () => assert.fail("expected an InputError"),
    (error: unknown) => error,
  );
  assert.ok(error instanceof InputError, `expected an InputError, got ${String(error)}`);
  for (const part of parts) assert.ok(error.message.includes(part), `"${part}" missing from:\n${error.message}`);
  return error.message;
}

test("an unknown model lists the known names and aliases and says a config path works", async () => {
  await rejectsWith(
    resolveModel("llama-9000b"),
    'unknown model "llama-9000b"',
    "Llama-2-70B (llama-70b, llama-2-70b, llama2-70b)",
    "Qwen2-72B",
    "--model path/to/config.json",
  );
});

test("unknown GPUs and workloads list the known ones", async () => {
  await rejectsWith(resolveGpu("v100"), 'unknown GPU "v100"', "H100 SXM (h100", "--gpu path/to/gpu.json");
  await rejectsWith(resolveWorkload("huge"), 'unknown workload "huge"', "decode-1024", "default");
});

test("a missing file is named", async () => {
  await rejectsWith(resolveModel("./no/such/config.json"), "./no/such/config.json", "no such file");
});

test("malformed JSON names the file and the parse error", async () => {
  const file = fixture("malformed.json");
  await rejectsWith(resolveModel(file), `${file} is not valid JSON`, "line 6");
});

test("a missing field is named with its path", async () => {
  const file = fixture("missing-field.json");
  await rejectsWith(resolveModel(file), `missing field (expected number) (at: ${file}: config.intermediate_size)`);
});

test("a wrongly typed field is named with its path", async () => {
  const file = fixture("wrong-type.json");
  await rejectsWith(resolveModel(file), `(at: ${file}: config.hidden_size)`, "received string");
});

test("a misspelt key in a wrapped model file is refused, and so is the key it replaced", async () => {
  const file = fixture("typo-key.json");
  await rejectsWith(resolveModel(file), `unknown key "alias"`, `(at: ${file}: alias)`, `(at: ${file}: aliases)`);
});

test("a misspelt key in a GPU file is refused", async () => {
  const file = fixture("gpu-typo.json");
  await rejectsWith(resolveGpu(file), `unknown key "bf16DenseTflop"`, `(at: ${file}: bf16DenseTflops)`);
});

test("a workload of an unknown kind is refused at its kind", async () => {
  const file = fixture("workload-bad-kind.json");
  await rejectsWith(resolveWorkload(file), `(at: ${file}: kind)`, "continuous", "decode");
});

test("a model of another family is refused with the supported ones, not with its missing fields", async () => {
  const file = fixture("gpt2.json");
  const message = await rejectsWith(
    resolveModel(file),
    'model_type "gpt2" is not supported',
    "llama, mistral, qwen2, mixtral",
    `(at: ${file}: model_type)`,
  );
  assert.ok(!message.includes("hidden_size"), message);
});

test("query heads that do not group evenly over the KV heads are refused", async () => {
  const file = fixture("bad-gqa.json");
  await rejectsWith(resolveModel(file), "must be a multiple of num_key_value_heads (6)", `(at: ${file}: num_key_value_heads)`);
});
