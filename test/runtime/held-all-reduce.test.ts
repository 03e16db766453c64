/**
 * The hold stand-in for the all-reduce: a sum outside the plan's ops (the prologue's) is held for
 * the mode's planned all-reduce time a row. (The run report's header: power-window.test.ts.)
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import path from "node:path";
import { readPlanFile } from "../../planner/plan/plan-file.js";
import { plannedUsPerRow } from "../../runtime/engine/heldAllReduce.js";
import { operationsFor } from "../../runtime/plan/executionModes.js";
import { REPOSITORY_ROOT } from "../support/repository.js";

const TP4_PLAN = path.join(REPOSITORY_ROOT, "bench/runtime/llama-70b-tp4-8layers-h200.plan.json");

test("a sum outside the plan's ops is held for the mode's planned all-reduce time a row", async () => {
  const plan = await readPlanFile(TP4_PLAN);
  const planned = operationsFor(plan, "planned").operations;
  const allReduces = planned.filter((op) => op.kind === "all_reduce");
  assert.equal(allReduces.length, 2 * plan.nanoBatches.length);
  // Every row is summed twice a layer (after O and after down), so a layer's all-reduce time is two of every row's.
  const layerUs = allReduces.reduce((sum, op) => sum + op.endUs - op.startUs, 0);
  assert.ok(Math.abs(2 * plan.batch.tokens * plannedUsPerRow(planned) - layerUs) < 1e-6);
  const sequential = operationsFor(plan, "sequential").operations;
  const sequentialUs = sequential.filter((op) => op.kind === "all_reduce").reduce((sum, op) => sum + op.endUs - op.startUs, 0);
  assert.ok(Math.abs(2 * plan.batch.tokens * plannedUsPerRow(sequential) - sequentialUs) < 1e-6);
  assert.throws(() => plannedUsPerRow(planned.filter((op) => op.kind !== "all_reduce")), { name: "RangeError", message: /none/ });
});
