/** NVRTC compilation for the GPU's architecture, the kernel cache, typed launches and launch errors. */
import { test } from "node:test";
import assert from "node:assert/strict";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { roundToBf16 } from "../../runtime/gpu/bf16.js";
import { compileCuda } from "../../runtime/gpu/KernelCompiler.js";
import { isNativeError } from "../../runtime/gpu/nativeErrors.js";
import { firstGpu, gpuSkip, randomFloats } from "../support/gpuTesting.js";
import { TEST_KERNELS_SOURCE } from "../support/testKernels.js";

test("kernels compile for the GPU's sm_XY, are cached on disk, and the cached image is the same", { skip: gpuSkip }, async () => {
  const gpu = firstGpu();
  const cacheDirectory = await mkdtemp(join(tmpdir(), "nanoweave-kernels-"));
  try {
    const started = performance.now();
    const first = await compileCuda(gpu, TEST_KERNELS_SOURCE, { cacheDirectory });
    const compileMs = performance.now() - started;
    const again = performance.now();
    const second = await compileCuda(gpu, TEST_KERNELS_SOURCE, { cacheDirectory });
    const cachedMs = performance.now() - again;
    console.log(`# ${first.architecture}: compiled in ${compileMs.toFixed(0)} ms, from cache in ${cachedMs.toFixed(1)} ms; options ${first.options.join(" ")}`);
    const { major, minor } = gpu.info.computeCapability;
    assert.equal(first.architecture, `sm_${major}${minor}`);
    assert.equal(first.fromCache, false);
    assert.equal(second.fromCache, true);
    assert.equal(second.cacheFile, first.cacheFile);
    assert.deepEqual(second.image, first.image);
  } finally {
    await rm(cacheDirectory, { recursive: true, force: true });
  }
});

test("a launch passes pointers with offsets and every scalar type exactly", { skip: gpuSkip }, async () => {
  const gpu = firstGpu();
  const module = await gpu.compileModule(TEST_KERNELS_SOURCE);
  const stream = gpu.createStream();
  const echo = module.kernel("echo_arguments", ["ptr", "i32", "u32", "f32", "i64"]);
  const words = gpu.allocate("int32", 8);
  words.poison(stream);
  echo.launch(stream, { grid: 1, block: 1 }, words.at(2), -123456, 4_000_000_000, 1.5, -(2n ** 40n) - 5n);
  stream.synchronize();
  const out = words.download();
  const d = -(2n ** 40n) - 5n;
  assert.deepEqual(Array.from(out), [-1, -1, -123456, 4_000_000_000 | 0, 0x3fc00000, Number(BigInt.asIntN(32, d)), Number(d >> 32n), -1]);

  const count = 1000;
  const input = randomFloats(count + 50);
  const bf16 = gpu.upload("bf16", input);
  const output = gpu.allocate("fp32", count + 50);
  output.poison(stream);
  const scale = module.kernel("scale_bf16", ["ptr", "ptr", "f32", "i32", "i32"]);
  scale.launch(stream, { grid: Math.ceil(count / 256), block: 256 }, output, bf16, -3, 50, count);
  stream.synchronize();
  const result = output.download();
  const expected = roundToBf16(input);
  for (let i = 0; i < count + 50; i++) {
    if (i < 50) assert.ok(Number.isNaN(result[i]), `element ${i} outside the row range was written`);
    else assert.equal(result[i], Math.fround(-3 * expected[i]!));
  }
  const attributes = scale.attributes();
  assert.ok(attributes.registersPerThread > 0 && attributes.maxThreadsPerBlock >= 256, JSON.stringify(attributes));
});

test("a compile error rejects with NVRTC's code, message and log", { skip: gpuSkip }, async () => {
  await assert.rejects(compileCuda(firstGpu(), "extern \"C\" __global__ void broken() { int x = ; }", { name: "broken.cu", useCache: false }), (error: unknown) => {
    assert.ok(isNativeError(error), String(error));
    assert.equal(error.library, "NVRTC");
    assert.equal(error.call, "nvrtcCompileProgram");
    assert.equal(error.codeName, "NVRTC_ERROR_COMPILATION");
    assert.match(error.detail ?? "", /broken\.cu\(1\): error/);
    return true;
  });
});

test("a launch the driver refuses becomes a CUDA error; raising the shared-memory limit fixes it", { skip: gpuSkip }, async () => {
  const gpu = firstGpu();
  const module = await gpu.compileModule(TEST_KERNELS_SOURCE);
  const stream = gpu.createStream();
  const kernel = module.kernel("use_shared", ["ptr"]);
  const out = gpu.allocate("int32", 1);
  const sharedBytes = 100 * 1024;
  assert.throws(() => kernel.launch(stream, { grid: 1, block: 256, sharedBytes }, out), (error: unknown) => {
    assert.ok(isNativeError(error), String(error));
    assert.equal(error.library, "CUDA driver");
    assert.equal(error.call, "cuLaunchKernel");
    assert.equal(error.codeName, "CUDA_ERROR_INVALID_VALUE");
    return true;
  });
  kernel.setMaxDynamicSharedMemory(sharedBytes);
  kernel.launch(stream, { grid: 1, block: 256, sharedBytes }, out);
  stream.synchronize();
  assert.deepEqual(Array.from(out.download()), [255]);
});
