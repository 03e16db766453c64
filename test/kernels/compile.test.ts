// Compiles every CUDA kernel source in native/kernels with nvcc for sm_90, so a syntax or type
// error fails CI even though CI has no GPU. The addon compiles the same sources at run time with
// NVRTC; nvcc is the compiler CI has. Skipped, saying why, where nvcc is absent.
import { test } from "node:test";
import assert from "node:assert/strict";
import { execFile } from "node:child_process";
import { existsSync } from "node:fs";
import { mkdtemp, readdir, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";

const run = promisify(execFile);
// This file runs from dist/test/kernels/.
const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../../..");
const kernelDir = path.join(root, "native", "kernels");

function findNvcc(): string | undefined {
  const candidates = [
    ...(process.env.PATH ?? "").split(path.delimiter).map((dir) => path.join(dir, "nvcc")),
    ...[process.env.CUDA_HOME, process.env.CUDA_PATH, "/usr/local/cuda"]
      .filter((dir): dir is string => Boolean(dir))
      .map((dir) => path.join(dir, "bin", "nvcc")),
  ];
  return candidates.find((file) => existsSync(file));
}

test("every kernel source compiles with nvcc for sm_90", { concurrency: true }, async (t) => {
  const nvcc = findNvcc();
  if (!nvcc) {
    t.skip("nvcc not found on PATH, $CUDA_HOME/bin, $CUDA_PATH/bin or /usr/local/cuda/bin");
    return;
  }
  const sources = (await readdir(kernelDir)).filter((file) => file.endsWith(".cu")).sort();
  assert.ok(sources.length > 0, `no .cu files in ${kernelDir}`);
  const outDir = await mkdtemp(path.join(tmpdir(), "nanoweave-kernels-"));
  try {
    await Promise.all(
      sources.map((source) =>
        t.test(source, async () => {
          const args = ["-arch=sm_90", "--cubin", "-I", kernelDir, "-o", path.join(outDir, `${source}.cubin`)];
          try {
            await run(nvcc, [...args, path.join(kernelDir, source)], { timeout: 120_000 });
          } catch (error) {
            const stderr = (error as { stderr?: string }).stderr ?? String(error);
            assert.fail(`nvcc failed on native/kernels/${source}:\n${stderr}`);
          }
        }),
      ),
    );
  } finally {
    await rm(outDir, { recursive: true, force: true });
  }
});
