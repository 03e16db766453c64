// The kernels' launch contract as the runtime and profiler apply it: which decode attention kernel a
// launch takes, and the source NVRTC compiles (and the kernel cache keys on).
import { test } from "node:test";
import assert from "node:assert/strict";
import { readFile } from "node:fs/promises";
import { attentionLaunch, KERNELS_DIR, kernelSourceWithHeaders } from "../../runtime/kernels/kernelContracts.js";

test("large launches with many pairs a block take the pairs kernel, others stream-K", () => {
  const shard = attentionLaunch({ rows: 2048, sms: 132, kvHeads: 1, maxPages: 64 });
  assert.equal(shard.kernel, "decode_attention_pairs");
  assert.deepEqual(shard.config, { grid: 132, block: 256, sharedBytes: 213712 });
  // A small partition, too few pairs a block, and requests past the pairs kernel's window.
  assert.equal(attentionLaunch({ rows: 2048, sms: 24, kvHeads: 1, maxPages: 64 }).kernel, "decode_attention");
  assert.equal(attentionLaunch({ rows: 1000, sms: 132, kvHeads: 1, maxPages: 64 }).kernel, "decode_attention");
  assert.equal(attentionLaunch({ rows: 1000, sms: 132, kvHeads: 2, maxPages: 64 }).kernel, "decode_attention_pairs");
  assert.equal(attentionLaunch({ rows: 2048, sms: 132, kvHeads: 1, maxPages: 513 }).kernel, "decode_attention");
  assert.deepEqual(attentionLaunch({ rows: 100, sms: 132, kvHeads: 1, maxPages: 64 }).config, { grid: 132, block: 384, sharedBytes: 196800 + 101 * 4 });
  assert.throws(() => attentionLaunch({ rows: 8193, sms: 132, kvHeads: 1, maxPages: 64 }), /at most 8192 rows/);
});

test("a kernel's source is compiled with our headers inlined, each once", async () => {
  const source = await kernelSourceWithHeaders("decode_attention_pairs.cu");
  assert.doesNotMatch(source, /^#include "/m);
  // Both headers are in it, so a change to either changes the kernel cache's key.
  assert.ok(source.includes(await readFile(`${KERNELS_DIR}common.cuh`, "utf8")));
  assert.ok(source.includes(await readFile(`${KERNELS_DIR}attention_tile.cuh`, "utf8").then((h) => h.split('#include "common.cuh"')[1]!)));
  assert.equal(source.split("typedef unsigned short bf16_t;").length, 2, "common.cuh inlined once");
});
