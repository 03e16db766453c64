/**
 * Reading a layer's ops from CUPTI's kernel records: kernels are matched to ops by capture order (the
 * k-th smallest graph node id on a GPU is its k-th captured kernel), each launch of the graphs is a
 * sample, and anything that would make the matching a guess is refused.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import type { RecordedKernel } from "../../runtime/gpu/kernelActivity.js";
import { layerTraceFromKernels, type CapturedKernels } from "../../runtime/layerTraceFromKernels.js";

/**
 * Two ranks on devices 3 and 5, 5 kernel nodes each: a prologue kernel, op "a" (one kernel), op "b"
 * (two kernels: a GEMM and its split-K reduction), an epilogue kernel. Ids are in the graph's id
 * space (high bits), and the records come out of order, as CUPTI may deliver them.
 */
const NODES = 5;
const captured: CapturedKernels = {
  devices: [3, 5],
  kernelNodes: [NODES, NODES],
  operations: [
    { id: "a.0.rmsnorm", lane: "whole", kernels: [[1, 2], [1, 2]] },
    { id: "b.0.gate_up_gemm", lane: "split/compute", kernels: [[2, 4], [2, 4]] },
  ],
};

/** Kernel `index` of launch `launch` on `device`: launches 1000 us apart, rank 1 shifted by 7 us and a bit slower. */
function kernel(device: number, index: number, launch: number): RecordedKernel {
  const base = 1000 * launch + (device === 5 ? 7 : 0);
  const slower = device === 5 ? 1.5 : 1;
  // prologue 0-10, a 10-30, b: gemm 30-80 and reduction 80-90, epilogue 90-95 (us from the launch's start).
  const spans: Array<[number, number, string]> = [[0, 10, "embed"], [10, 30, "rmsnorm"], [30, 80, "sm90_gemm"], [80, 90, "splitk_reduce"], [90, 95, "argmax"]];
  const [start, end, name] = spans[index]!;
  return { device, graphNode: (BigInt(device) << 32n) + 100n + BigInt(index), startUs: base + start * slower, endUs: base + end * slower, name };
}

function records(launches: number): RecordedKernel[] {
  const all: RecordedKernel[] = [];
  for (let launch = 0; launch < launches; launch++) {
    for (const device of [3, 5]) for (let index = 0; index < NODES; index++) all.push(kernel(device, index, launch));
  }
  // Eager kernels (graph node 0) and another GPU's are not the graph's; CUPTI delivers buffers in any order.
  all.push({ device: 3, graphNode: 0n, startUs: 5, endUs: 6, name: "eager" }, { device: 9, graphNode: 7n, startUs: 1, endUs: 2, name: "other" });
  return all.reverse();
}

test("each op spans its kernels, from rank 0's first kernel of the launch, with every rank's start and duration and rank 0's kernel names", () => {
  const trace = layerTraceFromKernels(captured, records(4), 4, 1);
  assert.deepEqual(trace.operations.map((op) => op.id), ["a.0.rmsnorm", "b.0.gate_up_gemm"]);
  const [a, b] = trace.operations;
  assert.deepEqual(a!.rankUs, [20, 30]);
  assert.deepEqual(b!.rankUs, [60, 90]);
  // Rank 1 runs 7 us later and 1.5x slower, on the same clock as rank 0.
  assert.deepEqual(a!.rankStartUs, [10, 22]);
  assert.deepEqual(b!.rankStartUs, [30, 52]);
  assert.deepEqual(b!.kernels, ["sm90_gemm", "splitk_reduce"]);
  assert.equal(a!.lane, "whole");
});

test("a graph whose kernel nodes CUPTI did not all record, or recorded a different number of times, is refused", () => {
  const missing = records(3).filter((k) => !(k.device === 5 && k.name === "argmax"));
  assert.throws(() => layerTraceFromKernels(captured, missing, 3, 1), /kernels of 4 graph nodes on GPU 5, but its captured graph has 5 kernel nodes/);
  const extra = [...records(3), kernel(3, 2, 3)];
  assert.throws(() => layerTraceFromKernels(captured, extra, 3, 1), /graph node \d+ on GPU 3 4 times, not once for each of 3 launches/);
  const noKernels: CapturedKernels = { ...captured, operations: [{ id: "c.0.silu_mul", lane: "whole", kernels: [[2, 2], [2, 2]] }] };
  assert.throws(() => layerTraceFromKernels(noKernels, records(2), 2, 1), /Op c\.0\.silu_mul captured no kernel on rank 0/);
  assert.throws(() => layerTraceFromKernels(captured, records(2), 2, 2), /fewer skipped launches \(2\) than launches \(2\)/);
});

test("medians over the launches: one slow launch does not move an op's figures", () => {
  const all = records(5).map((k) => (k.startUs >= 3000 && k.startUs < 4000 && k.name === "sm90_gemm" ? { ...k, endUs: k.endUs + 500 } : k));
  const trace = layerTraceFromKernels(captured, all, 5, 1);
  assert.deepEqual(trace.operations[1]!.rankUs, [60, 90]);
});
