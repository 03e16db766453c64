/**
 * The issue schedule on a fake GPU: a replay of the host's steps where each lane runs its ops in
 * order for their predicted durations, records mark an op's end and waits hold a lane until then.
 * Every dependency must end before its consumer starts, whole-GPU ops must run alone, and every
 * wait must come after its record in host order (CUDA waits on the latest record).
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import path from "node:path";
import { readPlanFile } from "../../planner/plan/plan-file.js";
import type { Plan } from "../../planner/plan/schema.js";
import { operationsFor, type ExecutionMode } from "../../runtime/plan/executionModes.js";
import { collectiveCtas } from "../../runtime/engine/collectives.js";
import { buildIssueSchedule, type IssueSchedule, type OpInstance } from "../../runtime/plan/issueSchedule.js";
import { REPOSITORY_ROOT } from "../support/repository.js";
import { tinyPlanPath, tinyTp2PlanPath } from "../support/tinyLlama.js";

const SHARD_PLAN = path.join(REPOSITORY_ROOT, "bench/runtime/llama-70b-tp8-shard-h100.plan.json");

interface Span {
  instance: OpInstance;
  start: number;
  end: number;
}

/** Runs the schedule on simulated streams; returns when each op ran. */
function replay(schedule: IssueSchedule): Span[] {
  const laneClock = new Map(schedule.lanes.map((lane) => [lane, 0]));
  const eventTime = new Map<number, number>();
  const spans: Span[] = [];
  for (const step of schedule.steps) {
    const clock = laneClock.get(step.lane)!;
    if (step.kind === "wait") {
      assert.ok(eventTime.has(step.event), `event ${step.event} waited on before it was recorded`);
      laneClock.set(step.lane, Math.max(clock, eventTime.get(step.event)!));
    } else if (step.kind === "record") {
      eventTime.set(step.event, clock);
    } else {
      const duration = step.instance.endUs - step.instance.startUs;
      spans.push({ instance: step.instance, start: clock, end: clock + duration });
      laneClock.set(step.lane, clock + duration);
    }
  }
  return spans;
}

function checkReplay(plan: Plan, mode: ExecutionMode, layers: number): { spans: Span[]; schedule: IssueSchedule } {
  const operations = operationsFor(plan, mode);
  const schedule = buildIssueSchedule(operations, layers);
  const spans = replay(schedule);
  assert.equal(spans.length, operations.operations.length * layers, "every op of every layer runs once");
  const spanOf = new Map(spans.map((span) => [`${span.instance.layer}:${span.instance.op.id}`, span]));
  for (const span of spans) {
    for (const dependency of span.instance.op.dependsOn) {
      const producer = spanOf.get(`${span.instance.layer + dependency.layer}:${dependency.op}`);
      if (span.instance.layer + dependency.layer < 0) continue;
      assert.ok(producer && producer.end <= span.start + 1e-9, `${span.instance.op.id}@${span.instance.layer} starts before ${dependency.op} ends`);
    }
    if (operations.exclusive(span.instance.op)) {
      for (const other of spans) {
        if (other === span || other.instance.lane === span.instance.lane) continue;
        const overlap = Math.min(other.end, span.end) - Math.max(other.start, span.start);
        assert.ok(overlap <= 1e-9, `whole-GPU ${span.instance.op.id}@${span.instance.layer} overlaps ${other.instance.op.id}@${other.instance.layer}`);
      }
    }
  }
  return { spans, schedule };
}

test("the 70B shard plan's schedule keeps every dependency and runs whole-GPU ops alone, in every mode", async () => {
  const plan = await readPlanFile(SHARD_PLAN);
  const { spans, schedule } = checkReplay(plan, "planned", 4);
  assert.deepEqual(schedule.lanes.sort(), ["split/compute", "split/memory", "whole/compute"]);
  // The replayed layer period matches the plan's within the whole-GPU ops' added waits.
  const end = Math.max(...spans.map((span) => span.end));
  console.log(`# replayed 4 layers in ${end.toFixed(0)} us; plan: ${(4 * plan.periodUs).toFixed(0)} us plus the last layer's tail`);
  assert.ok(end <= 4 * plan.periodUs + plan.periodUs, `replay ${end} us`);
  assert.deepEqual(checkReplay(plan, "streams", 4).schedule.lanes.sort(), ["compute", "memory"]);
  const sequential = checkReplay(plan, "sequential", 4);
  assert.deepEqual(sequential.schedule.lanes, ["sequential"]);
  assert.equal(sequential.schedule.steps.filter((step) => step.kind === "wait").length, 0, "one stream needs no waits");
  assert.ok(sequential.spans.every((span) => span.instance.op.rows[0] === 0 && span.instance.op.rows[1] === 2048));
});

test("waits implied by an earlier wait on the same stream are left out", async () => {
  const plan = await readPlanFile(tinyPlanPath("h100"));
  const { schedule } = checkReplay(plan, "planned", 2);
  const waits = schedule.steps.filter((step) => step.kind === "wait");
  // Per layer and nano-batch: attention waits on RoPE, the O GEMM on attention.
  assert.equal(waits.length, 2 * 2 * plan.nanoBatches.length);
});

test("an order that contradicts a dependency or deadlocks is refused", async () => {
  const plan = await readPlanFile(tinyPlanPath("h100"));
  // The O GEMM predicted before its attention: the compute stream would issue it first.
  const early = plan.operations.map((op) => (op.id === "o.0.o_gemm" ? { ...op, startUs: 0, endUs: 1 } : op));
  assert.throws(() => buildIssueSchedule(operationsFor({ ...plan, operations: early }, "planned"), 1), /deadlocks: .*o\.0\.o_gemm/);
  const missing = plan.operations.map((op) => (op.id === "o.0.o_gemm" ? { ...op, dependsOn: [{ op: "nope", layer: 0 as const }] } : op));
  assert.throws(() => buildIssueSchedule(operationsFor({ ...plan, operations: missing }, "planned"), 1), /depends on nope, which the plan does not have/);
  const sameLane = plan.operations.map((op) => (op.id === "attn_in.0.rmsnorm" ? { ...op, dependsOn: [{ op: "down.0.down_gemm", layer: 0 as const }] } : op));
  assert.throws(() => buildIssueSchedule(operationsFor({ ...plan, operations: sameLane }, "planned"), 1), /which its stream issues after it/);
});

test("a tensor-parallel plan's schedule, issued alike on every rank, puts each all-reduce on the network lane after its GEMM", async () => {
  const plan = await readPlanFile(tinyTp2PlanPath("h200"));
  assert.equal(plan.tensorParallel, 2);
  const { schedule } = checkReplay(plan, "planned", 2);
  assert.deepEqual(schedule.lanes.sort(), ["split/compute", "split/memory", "split/network"]);
  const runs = schedule.steps.filter((step) => step.kind === "run");
  const collectives = runs.filter((step) => step.instance.op.kind === "all_reduce");
  assert.equal(collectives.length, 2 * 2 * plan.nanoBatches.length, "ar_o and ar_d of each nano-batch and layer");
  assert.ok(collectives.every((step) => step.lane === "split/network"));
  // Every rank issues these steps in this one order, so NCCL sees the ranks' collectives in the same order.
  const starts = collectives.map((step) => step.instance.startUs);
  assert.deepEqual(starts, [...starts].sort((a, b) => a - b), "collectives issue in their predicted order");
  assert.equal(collectiveCtas(operationsFor(plan, "planned").operations), 8, "NCCL capped at the network partition's SMs");
  assert.equal(collectiveCtas(operationsFor(plan, "sequential").operations), 64, "whole GPU: NCCL's own ceiling");
  checkReplay(plan, "streams", 2);
  checkReplay(plan, "sequential", 2);
});

test("sequential mode times each op as the plan's sequential prediction; an older plan keeps nano-batch 0's times for ordering", async () => {
  const plan = await readPlanFile(SHARD_PLAN);
  const times = plan.operations.filter((op) => op.nanoBatch === 0).map((op, i) => ({ id: op.id, us: 10 * (i + 1) }));
  const withTimes = { ...plan, prediction: { ...plan.prediction, sequential: { ...plan.prediction.sequential, operations: times } } };
  const sequential = operationsFor(withTimes, "sequential");
  for (const op of sequential.operations) assert.equal(op.endUs - op.startUs, times.find((t) => t.id === op.id)!.us, op.id);
  assert.equal(sequential.periodUs, times.reduce((sum, t) => sum + t.us, 0));
  const { operations: _, ...older } = plan.prediction.sequential;
  const old = operationsFor({ ...plan, prediction: { ...plan.prediction, sequential: older } }, "sequential");
  for (const op of old.operations) {
    const nanoBatch0 = plan.operations.find((o) => o.id === op.id)!;
    assert.equal(op.endUs - op.startUs, nanoBatch0.endUs - nanoBatch0.startUs, op.id);
  }
});
