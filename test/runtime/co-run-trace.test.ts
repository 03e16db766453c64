/**
 * The co-run trace's comparison with the plan, on the shipped H100 shard plan: a trace made from the
 * plan's own timeline, shifted and slowed, must come back as that shift and slowdown.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import path from "node:path";
import { readPlanFile } from "../../planner/plan/plan-file.js";
import { compareTrace, type TracedOperation } from "../../runtime/coRunTrace.js";
import { operationsFor } from "../../runtime/plan/executionModes.js";
import { scheduleReplay } from "../../runtime/plan/replaySchedule.js";
import { REPOSITORY_ROOT } from "../support/repository.js";

const SHARD_PLAN = path.join(REPOSITORY_ROOT, "bench/runtime/llama-70b-tp8-shard-h100.plan.json");

test("a trace of the plan's timeline, shifted, each op 10% slower on rank 0 than on rank 1 and 3 us later on rank 1, compares as such", async () => {
  const plan = await readPlanFile(SHARD_PLAN);
  const mode = operationsFor(plan, "planned");
  const origin = Math.min(...plan.operations.map((op) => op.startUs));
  const traced: TracedOperation[] = plan.operations.map((op) => ({
    id: op.id,
    lane: mode.laneOf(op),
    rankStartUs: [5000 + (op.startUs - origin), 5003 + (op.startUs - origin)],
    rankUs: [1.1 * (op.endUs - op.startUs), op.endUs - op.startUs],
    kernels: [`${op.kind}_kernel`],
  }));
  const trace = compareTrace(8, { operations: traced }, mode);
  assert.equal(trace.layer, 8);
  assert.equal(trace.ranks, 2);
  assert.equal(trace.operations.length, plan.operations.length);
  for (const op of trace.operations) {
    assert.ok(Math.abs(op.measuredStartUs - op.predictedStartUs) < 1e-9, `${op.id} start`);
    assert.ok(Math.abs(op.measuredUs - 1.1 * op.predictedUs) < 1e-9, `${op.id} duration`);
    assert.ok(Math.abs(op.leastRankUs - op.predictedUs) < 1e-9 && Math.abs(op.mostRankUs - 1.1 * op.predictedUs) < 1e-9, `${op.id} on the ranks`);
    assert.ok(Math.abs(op.rankStartUs[0]! - op.measuredStartUs) < 1e-9 && Math.abs(op.rankStartUs[1]! - op.measuredStartUs - 3) < 1e-9, `${op.id} starts on the ranks`);
    assert.deepEqual(op.kernels, [`${plan.operations.find((planned) => planned.id === op.id)!.kind}_kernel`], `${op.id} kernels`);
  }
  const starts = trace.operations.map((op) => op.measuredStartUs);
  assert.deepEqual(starts, [...starts].sort((a, b) => a - b), "ops are listed in the order they started");
  assert.deepEqual(new Set(trace.lanes.map((lane) => lane.lane)), new Set(plan.operations.map((op) => mode.laneOf(op))));
  for (const lane of trace.lanes) assert.ok(Math.abs(lane.measuredBusyUs - 1.1 * lane.predictedBusyUs) < 1e-6, lane.lane);
  assert.ok(trace.measuredSpanUs > trace.predictedSpanUs && trace.measuredSpanUs <= 1.1 * trace.predictedSpanUs + 1e-6);
  // No all-reduce couples the ranks: the slower one sets the replayed layer, 1.1x the plan's own order replayed.
  const replayedPlan = scheduleReplay(mode)(1, (op) => op.endUs - op.startUs);
  assert.ok(Math.abs(trace.replayedLayerUs - 1.1 * replayedPlan) < 1e-6, `replayed ${trace.replayedLayerUs} us against 1.1 x ${replayedPlan}`);
  assert.equal(trace.replayedPredictedLayerUs, replayedPlan);
});

test("a traced op the plan does not have, an empty trace, or one missing an op is an error that says so", async () => {
  const plan = await readPlanFile(SHARD_PLAN);
  const mode = operationsFor(plan, "planned");
  assert.throws(() => compareTrace(0, { operations: [{ id: "nope.0.gemm", lane: "x", rankStartUs: [0], rankUs: [1], kernels: ["k"] }] }, mode), /Traced op nope\.0\.gemm is not in the plan/);
  assert.throws(() => compareTrace(3, { operations: [] }, mode), /No op of layer 3 was traced/);
  const first = plan.operations[0]!;
  assert.throws(() => compareTrace(3, { operations: [{ id: first.id, lane: "x", rankStartUs: [0], rankUs: [1], kernels: ["k"] }] }, mode), /Op .* of layer 3 was not traced/);
});
