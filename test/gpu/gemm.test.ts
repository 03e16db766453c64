/** bf16 GEMM (fp32 accumulation) against a float64 CPU reference, on fresh random data. */
import { test } from "node:test";
import assert from "node:assert/strict";
import { roundToBf16 } from "../../runtime/gpu/bf16.js";
import { firstGpu, gpuSkip, randomFloats, relativeError } from "../support/gpuTesting.js";

/** Row-major C[m,n] = A[m,k] · B[n,k]^T in float64. */
function referenceGemm(a: Float32Array, b: Float32Array, m: number, n: number, k: number): Float64Array {
  const c = new Float64Array(m * n);
  for (let i = 0; i < m; i++) {
    for (let j = 0; j < n; j++) {
      let sum = 0;
      for (let p = 0; p < k; p++) sum += a[i * k + p]! * b[j * k + p]!;
      c[i * n + j] = sum;
    }
  }
  return c;
}

// [m, n, k, rows of A and C, rowOffset]: odd shapes, a single element, and a nano-batch row range.
const SHAPES: Array<[number, number, number, number, number]> = [
  [1, 1, 1, 1, 0],
  [7, 13, 17, 7, 0],
  [33, 65, 129, 33, 0],
  [128, 256, 64, 128, 0],
  [100, 96, 300, 257, 101],
];

for (const output of ["fp32", "bf16"] as const) {
  for (const [m, n, k, rows, rowOffset] of SHAPES) {
    test(`GEMM ${output} out: C[${m},${n}] = A[${m},${k}]·B[${n},${k}]^T at rows ${rowOffset}..${rowOffset + m - 1} of ${rows}`, { skip: gpuSkip }, () => {
      const gpu = firstGpu();
      const stream = gpu.createStream();
      const cublas = gpu.createCublas();
      const hostA = roundToBf16(randomFloats(rows * k));
      const hostB = roundToBf16(randomFloats(n * k));
      const a = gpu.upload("bf16", hostA);
      const b = gpu.upload("bf16", hostB);
      const c = gpu.allocate(output, rows * n);
      c.poison(stream);
      cublas.gemm({ stream, a, b, c, m, n, k, rowOffset });
      stream.synchronize();
      const result = c.download();
      const reference = referenceGemm(hostA.subarray(rowOffset * k), hostB, m, n, k);
      const error = relativeError(result.subarray(rowOffset * n, (rowOffset + m) * n), reference);
      assert.ok(error < (output === "fp32" ? 1e-5 : 5e-3), `relative error ${error}`);
      for (let i = 0; i < rows * n; i++) {
        const inRange = i >= rowOffset * n && i < (rowOffset + m) * n;
        assert.equal(Number.isNaN(result[i]), !inRange, `element ${i} ${inRange ? "unwritten" : "written outside the row range"}`);
      }
      for (const resource of [a, b, c, cublas, stream]) resource.dispose();
    });
  }
}

test("GEMM accumulates with beta and scales with alpha", { skip: gpuSkip }, () => {
  const gpu = firstGpu();
  const stream = gpu.createStream();
  const cublas = gpu.createCublas();
  const [m, n, k] = [9, 11, 40];
  const hostA = roundToBf16(randomFloats(m * k));
  const hostB = roundToBf16(randomFloats(n * k));
  const hostC = randomFloats(m * n);
  const c = gpu.upload("fp32", hostC);
  cublas.gemm({ stream, a: gpu.upload("bf16", hostA), b: gpu.upload("bf16", hostB), c, m, n, k, alpha: -0.5, beta: 2 });
  stream.synchronize();
  const product = referenceGemm(hostA, hostB, m, n, k);
  const reference = product.map((value, i) => -0.5 * value + 2 * hostC[i]!);
  const error = relativeError(c.download(), reference);
  assert.ok(error < 1e-5, `relative error ${error}`);
});

test("cuBLASLt's heuristic picks compute the same GEMM, rows and beta included; the sweep's wrong ones are reported", { skip: gpuSkip }, (t) => {
  const gpu = firstGpu();
  const stream = gpu.createStream();
  const cublas = gpu.createCublas({ smCountTarget: 64 });
  // A nano-batch of 64 rows at row 64 of 192, accumulating into C as the O and down GEMMs do.
  const [m, n, k, rows, rowOffset] = [64, 128, 256, 192, 64];
  const hostA = roundToBf16(randomFloats(rows * k));
  const hostB = roundToBf16(randomFloats(n * k));
  const hostC = randomFloats(rows * n);
  const a = gpu.upload("bf16", hostA);
  const b = gpu.upload("bf16", hostB);
  const c = gpu.allocate("fp32", rows * n);
  const product = referenceGemm(hostA.subarray(rowOffset * k), hostB, m, n, k);
  const reference = product.map((value, i) => value + hostC[rowOffset * n + i]!);
  const algorithms = cublas.algorithms({ m, n, k, cFloat32: true });
  assert.ok(algorithms.some((algorithm) => algorithm.fromHeuristic), "no heuristic pick listed");
  assert.equal(new Set(algorithms.map((algorithm) => algorithm.algorithm)).size, algorithms.length, "an algorithm listed twice");
  // cublasLtMatmulAlgoCheck accepts configurations that then compute wrong results (an H100 with
  // cuBLAS 13.1: some of the sweep's), so whoever picks from the sweep must check the product.
  const wrong: string[] = [];
  for (const { algorithm, fromHeuristic, id, tile, stages, cluster } of algorithms) {
    c.upload(hostC);
    cublas.gemm({ stream, a, b, c, m, n, k, rowOffset, beta: 1, algorithm });
    stream.synchronize();
    const result = c.download();
    const error = relativeError(result.subarray(rowOffset * n, (rowOffset + m) * n), reference);
    const untouched = result.subarray(0, rowOffset * n).every((value, i) => value === hostC[i]);
    const name = `id ${id} tile ${tile} stages ${stages} cluster ${cluster}`;
    if (fromHeuristic) {
      assert.ok(error < 1e-5, `heuristic pick ${name}: relative error ${error}`);
      assert.ok(untouched, `heuristic pick ${name} wrote rows before the range`);
    } else if (error >= 1e-5 || !untouched) {
      wrong.push(`${name}: relative error ${error.toExponential(2)}${untouched ? "" : ", wrote outside its rows"}`);
    }
  }
  t.diagnostic(`${algorithms.length} algorithms, ${wrong.length} of the sweep's wrong${wrong.length ? `: ${wrong.slice(0, 10).join("; ")}` : ""}`);
  assert.throws(() => cublas.gemm({ stream, a, b, c, m, n, k, algorithm: "not hex" }), /128 lowercase hex digits/);
  for (const resource of [a, b, c, cublas, stream]) resource.dispose();
});
