/** The safetensors reader and writer: round trip, alignment, refusals of bad files, and a folder sliced per tensor-parallel rank. */
import { test } from "node:test";
import assert from "node:assert/strict";
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { encodeSafetensors, SafetensorsFile, type TensorData } from "../../runtime/weights/safetensors.js";
import { safetensorsFolder, tensorParallelShard } from "../../runtime/weights/weightSource.js";
import { TINY_ODD_VOCAB, TINY_SHAPE, writeTinyLlama } from "../support/tinyLlama.js";

async function withFile(bytes: Buffer, check: (file: string) => Promise<void>): Promise<void> {
  const dir = await mkdtemp(path.join(tmpdir(), "nanoweave-st-"));
  try {
    const file = path.join(dir, "t.safetensors");
    await writeFile(file, bytes);
    await check(file);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

test("tensors written are read back with dtype, shape and values; the header is 8-byte aligned", async () => {
  const tensors = new Map<string, TensorData>([
    ["a", { dtype: "BF16", shape: [3], data: new Uint16Array([0x3f80, 0xc000, 0x0001]) }],
    ["b.weight", { dtype: "F32", shape: [2, 2], data: new Float32Array([1.5, -2, 3.25, 0]) }],
  ]);
  const bytes = encodeSafetensors(tensors, { format: "pt" });
  assert.equal(Number(bytes.readBigUInt64LE(0)) % 8, 0);
  await withFile(bytes, async (file) => {
    const st = await SafetensorsFile.open(file);
    assert.deepEqual([...st.tensors.keys()], ["a", "b.weight"]);
    assert.deepEqual(st.metadata, { format: "pt" });
    const a = await st.read("a");
    assert.deepEqual([a.dtype, a.shape, [...a.data]], ["BF16", [3], [0x3f80, 0xc000, 1]]);
    const b = await st.read("b.weight");
    assert.deepEqual([b.dtype, b.shape, [...b.data]], ["F32", [2, 2], [1.5, -2, 3.25, 0]]);
    await assert.rejects(st.read("c"), /has no tensor c/);
    await st.close();
  });
});

test("bad files are refused with the reason", async () => {
  const header = (json: object) => {
    const text = Buffer.from(JSON.stringify(json));
    const length = Buffer.alloc(8);
    length.writeBigUInt64LE(BigInt(text.length));
    return Buffer.concat([length, text, Buffer.alloc(16)]);
  };
  await withFile(header({ x: { dtype: "F16", shape: [2], data_offsets: [0, 4] } }), async (file) => {
    await assert.rejects(SafetensorsFile.open(file), /tensor x: dtype F16 is not supported/);
  });
  await withFile(header({ x: { dtype: "F32", shape: [3], data_offsets: [0, 8] } }), async (file) => {
    await assert.rejects(SafetensorsFile.open(file), /8 bytes for shape \[3\] of F32 \(expected 12\)/);
  });
  await withFile(header({ x: { dtype: "BF16", shape: [64], data_offsets: [0, 128] } }), async (file) => {
    await assert.rejects(SafetensorsFile.open(file), /ends past the end of the file/);
  });
  await withFile(Buffer.from([1, 2, 3]), async (file) => {
    await assert.rejects(SafetensorsFile.open(file), /shorter than its 8-byte header length/);
  });
});

test("the tiny Llama folder holds every tensor, and a shape the model does not have is refused", async () => {
  const folder = await writeTinyLlama(1);
  try {
    const source = await safetensorsFolder(folder);
    assert.equal(source.config.hidden_size, TINY_SHAPE.hiddenSize);
    assert.equal((await source.tensor("model.layers.1.mlp.down_proj.weight", [512, 1024])).length, 512 * 1024);
    await assert.rejects(source.tensor("model.norm.weight", [1024]), /has shape \[512\], the plan's model needs \[1024\]/);
    await source.close();
  } finally {
    await rm(folder, { recursive: true, force: true });
  }
});

test("a folder whose vocabulary does not divide by 2 ranks loads as shards of 501 rows, the last padded with a zero row", async () => {
  const folder = await writeTinyLlama(2, TINY_ODD_VOCAB);
  try {
    const source = await safetensorsFolder(folder);
    const { hiddenSize: h, vocab } = TINY_ODD_VOCAB.shape;
    const full = { kvRows: TINY_ODD_VOCAB.shape.kvHeads * TINY_ODD_VOCAB.shape.headDim, vocab };
    for (const name of ["model.embed_tokens.weight", "lm_head.weight"]) {
      const whole = (await source.tensor(name, [vocab, h])) as Uint16Array;
      const [first, last] = await Promise.all([0, 1].map((rank) => tensorParallelShard(source, rank, 2, full).tensor(name, [501, h])));
      assert.deepEqual(first, whole.subarray(0, 501 * h), `${name}: rank 0 holds tokens 0..500`);
      assert.ok(last instanceof Uint16Array && last.length === 501 * h, `${name}: rank 1's shard has the same shape`);
      assert.deepEqual(last.subarray(0, 500 * h), whole.subarray(501 * h), `${name}: rank 1 holds tokens 501..1000`);
      assert.ok(last.subarray(500 * h).every((bits) => bits === 0), `${name}: rank 1's last row is zero`);
    }
    // An even split of this vocabulary does not exist: asking for one is refused by the slicer.
    await assert.rejects(tensorParallelShard(source, 0, 2, full).tensor("lm_head.weight", [500, h]), /1001 over 2 ranks is 501 rows a rank, the shard asked for has 500/);
    await source.close();
  } finally {
    await rm(folder, { recursive: true, force: true });
  }
});
