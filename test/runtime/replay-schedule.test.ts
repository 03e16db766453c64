/**
 * Replaying a mode's issue order with op durations: on the plan's own durations it gives back the
 * plan's period (less the lane switches a newer planner adds between ops), it scales with the
 * durations, and across ranks an all-reduce ends everywhere when the last rank reaches it.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import path from "node:path";
import { readdirSync } from "node:fs";
import { readPlanFile } from "../../planner/plan/plan-file.js";
import type { PlanOperation } from "../../planner/plan/schema.js";
import { EXECUTION_MODES, operationsFor } from "../../runtime/plan/executionModes.js";
import { scheduleReplay } from "../../runtime/plan/replaySchedule.js";
import { REPOSITORY_ROOT } from "../support/repository.js";

const PLANS = path.join(REPOSITORY_ROOT, "bench/runtime");
const TP4_PLAN = path.join(PLANS, "llama-70b-tp4-8layers-h200.plan.json");
const own = (op: PlanOperation) => op.endUs - op.startUs;

test("every shipped plan's modes replay to their period or less from the plan's own op times; the shard plans exactly", async () => {
  const files = readdirSync(PLANS).filter((name) => name.endsWith(".plan.json"));
  assert.ok(files.length >= 5, `plans in ${PLANS}`);
  for (const file of files) {
    const plan = await readPlanFile(path.join(PLANS, file));
    for (const name of EXECUTION_MODES) {
      const mode = operationsFor(plan, name);
      const replayed = scheduleReplay(mode)(1, own);
      const busiest = Math.max(...[...new Set(mode.operations.map((op) => mode.laneOf(op)))].map((lane) => mode.operations.filter((op) => mode.laneOf(op) === lane).reduce((sum, op) => sum + own(op), 0)));
      assert.ok(replayed <= mode.periodUs + 1e-6 && replayed >= busiest - 1e-6, `${file} ${name}: replayed ${replayed} us, period ${mode.periodUs}, busiest lane ${busiest}`);
      if (/^llama-70b-tp8-shard-h[12]00\.plan\.json$/.test(file)) assert.ok(Math.abs(replayed - mode.periodUs) < 1e-6, `${file} ${name}: replayed ${replayed} us against ${mode.periodUs}`);
    }
  }
});

test("slower ops by a factor replay that factor slower", async () => {
  const replay = scheduleReplay(operationsFor(await readPlanFile(path.join(PLANS, "llama-70b-tp8-shard-h200.plan.json")), "planned"));
  const replayed = replay(1, own);
  assert.ok(Math.abs(replay(1, (op) => 1.25 * own(op)) - 1.25 * replayed) < 1e-6);
});

test("across ranks an all-reduce lasts its shortest rank's time after the last rank starts it, and one slow rank slows the layer", async () => {
  const mode = operationsFor(await readPlanFile(TP4_PLAN), "planned");
  assert.ok(mode.operations.some((op) => op.kind === "all_reduce"), "the plan sums over its GPUs");
  const replay = scheduleReplay(mode);
  const replayed = replay(4, own);
  assert.ok(Math.abs(replayed - replay(1, own)) < 1e-6, "equal ranks run as one");
  // Ranks that waited in the collective read longer; its own time is the rank that did not wait.
  const waited = (op: PlanOperation, rank: number) => (op.kind === "all_reduce" && rank !== 3 ? own(op) + 150 : own(op));
  assert.ok(Math.abs(replay(4, waited) - replayed) < 1e-6);
  // The gate/up GEMMs are on this plan's critical path.
  const slowGateUp = (ranks: (rank: number) => boolean) => (op: PlanOperation, rank: number) => (op.kind === "gate_up_gemm" && ranks(rank) ? own(op) + 40 : own(op));
  const oneSlow = replay(4, slowGateUp((rank) => rank === 1));
  assert.ok(oneSlow > replayed + 1, `one rank's slower gate/up GEMMs: ${oneSlow} us against ${replayed}`);
  assert.ok(Math.abs(oneSlow - replay(4, slowGateUp(() => true))) < 1e-6, "the slowest rank sets the layer");
  assert.throws(() => replay(0, own), /positive whole number of ranks but received 0/);
});
