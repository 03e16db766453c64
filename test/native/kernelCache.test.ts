import { test } from "node:test";
import assert from "node:assert/strict";
import { mkdtemp, readdir, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { kernelCacheDirectory, kernelCacheFile, readCachedKernel, writeCachedKernel } from "../../runtime/gpu/kernelCache.js";
import { cudaIncludeCandidates } from "../../runtime/gpu/cudaIncludeDirectory.js";

const key = { source: "extern \"C\" __global__ void k() {}", options: ["--gpu-architecture=sm_90"], architecture: "sm_90", nvrtcVersion: "13.0" };

test("the cache key changes with the source, the options, the architecture and the NVRTC version", () => {
  const base = kernelCacheFile(key, "/c");
  assert.match(base, /^\/c\/kernels\/[0-9a-f]{64}\.cubin$/);
  assert.equal(kernelCacheFile({ ...key }, "/c"), base);
  for (const changed of [{ source: `${key.source} ` }, { options: ["-DX=1"] }, { architecture: "sm_100" }, { nvrtcVersion: "13.1" }]) {
    assert.notEqual(kernelCacheFile({ ...key, ...changed }, "/c"), base, JSON.stringify(changed));
  }
});

test("the cache lives under NANOWEAVE_CACHE_DIR when set", () => {
  const saved = process.env.NANOWEAVE_CACHE_DIR;
  process.env.NANOWEAVE_CACHE_DIR = "/somewhere/else";
  try {
    assert.equal(kernelCacheDirectory(), "/somewhere/else");
  } finally {
    if (saved === undefined) delete process.env.NANOWEAVE_CACHE_DIR;
    else process.env.NANOWEAVE_CACHE_DIR = saved;
  }
});

test("entries are written whole (no temporary file left) and read back; a missing entry reads as undefined", async () => {
  const directory = await mkdtemp(join(tmpdir(), "nanoweave-cache-"));
  try {
    const file = kernelCacheFile(key, directory);
    assert.equal(await readCachedKernel(file), undefined);
    await writeCachedKernel(file, new Uint8Array([1, 2, 3]));
    assert.deepEqual(Array.from((await readCachedKernel(file))!), [1, 2, 3]);
    assert.deepEqual(await readdir(join(directory, "kernels")), [file.split("/").at(-1)]);
  } finally {
    await rm(directory, { recursive: true, force: true });
  }
});

test("CUDA headers are looked for beside the NVRTC library that was loaded", () => {
  assert.ok(cudaIncludeCandidates("/opt/cuda-13/lib64/libnvrtc.so.13").includes("/opt/cuda-13/include"));
  assert.equal(cudaIncludeCandidates(undefined).at(-1), "/usr/local/cuda/include");
});
