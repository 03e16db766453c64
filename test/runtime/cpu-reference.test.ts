/** The CPU reference's pieces against hand-computed cases, and its decode on the tiny Llama. */
import { test } from "node:test";
import assert from "node:assert/strict";
import { rm } from "node:fs/promises";
import { attend, CpuLlama, matvec, rmsnorm, rope } from "../support/cpuLlama.js";
import { TINY_SHAPE, writeTinyLlama } from "../support/tinyLlama.js";

test("RMSNorm, matvec, RoPE and attention give the textbook values", () => {
  assert.deepEqual([...rmsnorm(new Float32Array([3, 4]), new Float32Array([1, 2]), 0)].map((v) => +v.toFixed(5)), [0.84853, 2.26274]);
  assert.deepEqual([...matvec(new Float32Array([1, 2, 3, 4, 5, 6]), new Float32Array([1, 0, -1]), 2, 3)], [-2, -2]);
  const x = new Float32Array([1, 2, 3, 4]);
  assert.deepEqual([...rope(x, 1, 4, 0, 10000)], [1, 2, 3, 4], "position 0 turns nothing");
  const turned = rope(new Float32Array([1, 0, 0, 0]), 1, 4, 1, 10000);
  assert.ok(Math.abs(turned[0]! - Math.cos(1)) < 1e-6 && Math.abs(turned[2]! - Math.sin(1)) < 1e-6);
  // One key: attention returns its value; equal scores: the mean.
  const one = attend(new Float32Array([1, 1]), [new Float32Array([5, 5])], [new Float32Array([2, 3])], 1, 1, 2);
  assert.deepEqual([...one], [2, 3]);
  const mean = attend(new Float32Array([0, 0, 0, 0]), [new Float32Array([1, 2]), new Float32Array([3, 4])], [new Float32Array([2, 4]), new Float32Array([4, 8])], 2, 1, 2);
  assert.deepEqual([...mean], [3, 6, 3, 6]);
});

test("the tiny Llama decodes finite logits of unit-ish scale from its safetensors folder", async () => {
  const folder = await writeTinyLlama(3);
  try {
    const model = await CpuLlama.load(folder, TINY_SHAPE);
    const first = model.decode(0, 17, 0);
    const second = model.decode(0, 5, 1);
    assert.equal(first.length, TINY_SHAPE.vocab);
    for (const logits of [first, second]) {
      assert.ok(logits.every(Number.isFinite));
      const rms = Math.sqrt(logits.reduce((s, v) => s + v * v, 0) / logits.length);
      assert.ok(rms > 0.1 && rms < 10, `logit RMS ${rms}`);
    }
    assert.throws(() => model.decode(0, 5, 5), /out of order/);
  } finally {
    await rm(folder, { recursive: true, force: true });
  }
});
