import { test } from "node:test";
import assert from "node:assert/strict";
import { roundToBf16 } from "../../runtime/gpu/bf16.js";
import { isNativeError } from "../../runtime/gpu/nativeErrors.js";
import { firstGpu, gpuSkip, randomFloats } from "../support/gpuTesting.js";

test("fp32, int32 and bf16 arrays round-trip through GPU memory", { skip: gpuSkip }, () => {
  const gpu = firstGpu();
  const floats = randomFloats(1001, 100);
  const fp32 = gpu.upload("fp32", floats);
  assert.deepEqual(fp32.download(), floats);
  const ints = Int32Array.from(floats, (value) => Math.round(value * 1e6));
  assert.deepEqual(gpu.upload("int32", ints).download(), ints);
  const bf16 = gpu.upload("bf16", floats);
  assert.deepEqual(bf16.download(), roundToBf16(floats));
  const bits = new Uint16Array([0x3f80, 0xc000, 0x7f80]);
  bf16.upload(bits, 10);
  assert.deepEqual(Array.from(bf16.download(10, 3)), [1, -2, Infinity]);
  for (const array of [fp32, bf16]) array.dispose();
});

test("fill, poison and copy run in order on a stream and touch only their range", { skip: gpuSkip }, () => {
  const gpu = firstGpu();
  const stream = gpu.createStream();
  const source = gpu.upload("fp32", randomFloats(64));
  const target = gpu.allocate("fp32", 64);
  target.poison(stream);
  target.fill(2.5, stream, 8, 8);
  target.copyFrom(source, stream, 32, 40, 16);
  stream.synchronize();
  const result = target.download();
  const expected = source.download();
  for (let i = 0; i < 64; i++) {
    if (i >= 8 && i < 16) assert.equal(result[i], 2.5);
    else if (i >= 40 && i < 56) assert.equal(result[i], expected[i - 8]);
    else assert.ok(Number.isNaN(result[i]), `element ${i} should still be poisoned`);
  }
  const bf16 = gpu.allocate("bf16", 5);
  bf16.fill(1 / 3, stream);
  const ints = gpu.allocate("int32", 5);
  ints.fill(-7, stream);
  stream.synchronize();
  assert.deepEqual(bf16.download(), roundToBf16(new Float32Array(5).fill(1 / 3)));
  assert.deepEqual(Array.from(ints.download()), [-7, -7, -7, -7, -7]);
});

test("a failing CUDA call becomes a JS error with the library, call, code and message", { skip: gpuSkip }, () => {
  const gpu = firstGpu();
  const { totalBytes } = gpu.memoryInfo();
  assert.throws(() => gpu.allocate("fp32", Math.floor(totalBytes / 4)), (error: unknown) => {
    assert.ok(isNativeError(error), String(error));
    assert.equal(error.kind, "call-failed");
    assert.equal(error.library, "CUDA driver");
    assert.equal(error.call, "cuMemAlloc");
    assert.equal(error.code, 2);
    assert.equal(error.codeName, "CUDA_ERROR_OUT_OF_MEMORY");
    assert.equal(error.libraryMessage, "out of memory");
    assert.match(error.message, /^cuMemAlloc failed: CUDA driver error 2 CUDA_ERROR_OUT_OF_MEMORY: out of memory$/);
    return true;
  });
  // The device still works afterwards.
  assert.deepEqual(Array.from(gpu.upload("int32", new Int32Array([4, 5])).download()), [4, 5]);
});
