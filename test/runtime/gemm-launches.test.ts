/**
 * The GEMM launches `nanoweave tune` measures for a plan: each distinct shape, row count, SM target
 * and neighbour of the planned and sequential modes, with attention beside exactly where the
 * runtime's lanes look algorithms up beside attention.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import path from "node:path";
import { readPlanFile } from "../../planner/plan/plan-file.js";
import { gemmKey } from "../../runtime/gemmAlgorithmTable.js";
import { operationsFor } from "../../runtime/plan/executionModes.js";
import { planGemmLaunches } from "../../runtime/tuning/gemmLaunches.js";
import { REPOSITORY_ROOT } from "../support/repository.js";
import { tinyPlanPath } from "../support/tinyLlama.js";

const keys = (launches: ReturnType<typeof planGemmLaunches>) => launches.map((launch) => `${launch.kind} ${gemmKey(launch)}`).sort();

test("the tiny plan: its four GEMMs beside attention on the split's 72 SMs, and the sequential mode's on the whole GPU", async () => {
  const launches = planGemmLaunches(await readPlanFile(tinyPlanPath("h100")));
  assert.deepEqual(keys(launches), [
    "down_gemm 512x1024:128@72/attention",
    "down_gemm 512x1024:256@132/none",
    "gate_up_gemm 2048x512:128@72/attention",
    "gate_up_gemm 2048x512:256@132/none",
    "o_gemm 512x512:128@72/attention",
    "o_gemm 512x512:256@132/none",
    "qkv_gemm 1024x512:128@72/attention",
    "qkv_gemm 1024x512:256@132/none",
  ]);
});

test("the H100 shard plan: the FFN GEMMs beside attention on 112 SMs, QKV and O alone on the whole GPU", async () => {
  const launches = planGemmLaunches(await readPlanFile(path.join(REPOSITORY_ROOT, "bench/runtime/llama-70b-tp8-shard-h100.plan.json")));
  assert.deepEqual(keys(launches), [
    "down_gemm 8192x3584:1024@112/attention",
    "down_gemm 8192x3584:2048@132/none",
    "gate_up_gemm 7168x8192:1024@112/attention",
    "gate_up_gemm 7168x8192:2048@132/none",
    "o_gemm 8192x1024:1024@132/none",
    "o_gemm 8192x1024:2048@132/none",
    "qkv_gemm 1280x8192:1024@132/none",
    "qkv_gemm 1280x8192:2048@132/none",
  ]);
});

test("a tensor-parallel plan's split compute partition runs beside attention though it also has a network partition", async () => {
  const launches = planGemmLaunches(await readPlanFile(path.join(REPOSITORY_ROOT, "bench/runtime/llama-70b-tp4-8layers-h200.plan.json")));
  assert.ok(launches.some((launch) => launch.kind === "gate_up_gemm" && launch.sms === 104 && launch.beside === "attention"), keys(launches).join("\n"));
});

test("only the planned mode runs GEMMs beside attention: streams and sequential share the SMs or run alone", async () => {
  const plan = await readPlanFile(tinyPlanPath("h100"));
  const gemm = plan.operations.find((op) => op.kind === "gate_up_gemm")!;
  assert.equal(operationsFor(plan, "planned").gemmNeighbour(gemm), "attention");
  assert.equal(operationsFor(plan, "streams").gemmNeighbour(gemm), "none");
  assert.equal(operationsFor(plan, "sequential").gemmNeighbour(gemm), "none");
  const attentionElsewhere = { ...plan, operations: plan.operations.map((op) => (op.kind === "decode_attention" ? { ...op, layout: "whole" } : op)) };
  assert.equal(operationsFor(attentionElsewhere, "planned").gemmNeighbour(gemm), "none", "no attention on the split: nothing beside");
});
