/** The GEMM algorithm table: what a file must hold, when it is refused, and which launches it picks for. */
import { test } from "node:test";
import assert from "node:assert/strict";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { GEMM_ALGORITHM_TABLE_SCHEMA, loadGemmAlgorithms } from "../../runtime/gemmAlgorithmTable.js";

const MACHINE = { gpu: "NVIDIA H100 80GB HBM3", cublas: "13.1.0" };
const ALGORITHM = "0a".repeat(64);

function entry(overrides: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    n: 8192, k: 3584, rows: 1024, sms: 112, beside: "attention", algorithm: ALGORITHM,
    config: { id: 66, tile: 189, stages: 35, splitK: 1, swizzle: 0, cluster: 6 },
    timeUs: 102.8, defaultUs: 130.4, ...overrides,
  };
}

function tableFile(table: Record<string, unknown>): string {
  const file = join(mkdtempSync(join(tmpdir(), "nanoweave-gemm-")), "table.json");
  writeFileSync(file, JSON.stringify(table));
  return file;
}

function table(overrides: Record<string, unknown> = {}): Record<string, unknown> {
  return { schema: GEMM_ALGORITHM_TABLE_SCHEMA, ...MACHINE, createdAt: "2026-11-21T00:00:00Z", command: "test", entries: [entry()], ...overrides };
}

test("a table gives its algorithm for the launch it lists, and none for any other", async () => {
  const algorithms = await loadGemmAlgorithms(tableFile(table()), MACHINE);
  assert.equal(algorithms.algorithmFor({ n: 8192, k: 3584, rows: 1024, sms: 112, beside: "attention" }), ALGORITHM);
  assert.equal(algorithms.algorithmFor({ n: 8192, k: 3584, rows: 1024, sms: 112, beside: "none" }), undefined);
  assert.equal(algorithms.algorithmFor({ n: 8192, k: 3584, rows: 2048, sms: 112, beside: "attention" }), undefined);
  assert.equal(algorithms.algorithmFor({ n: 8192, k: 3584, rows: 1024, sms: 132, beside: "attention" }), undefined);
});

test("a table measured on another GPU model or cuBLAS version is refused, naming both", async () => {
  const file = tableFile(table({ gpu: "NVIDIA H200", cublas: "12.9.1" }));
  await assert.rejects(loadGemmAlgorithms(file, MACHINE), (error: Error) => {
    assert.match(error.message, /measured on NVIDIA H200, this is NVIDIA H100 80GB HBM3/);
    assert.match(error.message, /cuBLAS 12\.9\.1, this machine has 13\.1\.0/);
    assert.match(error.message, /--gemm-algorithms/);
    return true;
  });
});

test("a malformed entry is refused with the file and the field", async () => {
  const file = tableFile(table({ entries: [entry({ algorithm: "xyz" })] }));
  await assert.rejects(loadGemmAlgorithms(file, MACHINE), (error: Error) => {
    assert.ok(error.message.includes(file), error.message);
    assert.match(error.message, /entries\[0\]\.algorithm/);
    return true;
  });
  await assert.rejects(loadGemmAlgorithms(tableFile(table({ entries: [entry({ beside: "nccl" })] })), MACHINE), /entries\[0\]\.beside/);
});
