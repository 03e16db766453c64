import { test } from "node:test";
import assert from "node:assert/strict";
import { mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { InputError } from "../../planner/errors.js";
import { candidateBatches } from "../../planner/plan/batch-candidates.js";
import { makePlan, type PlanRequest } from "../../planner/plan/make-plan.js";
import { PlanSchema, type Plan } from "../../planner/plan/schema.js";
import { ProfileSchema, type Profile } from "../../planner/profile/schema.js";
import { REPOSITORY_ROOT } from "../support/repository.js";
import { replayViolations } from "../../planner/plan/replay.js";
import { laneSwitchUs } from "../support/exhaustive-schedule.js";
import { operationsFor } from "../../runtime/plan/executionModes.js";
import { scheduleReplay } from "../../runtime/plan/replaySchedule.js";

const base: Omit<PlanRequest, "model" | "gpus"> = {
  batch: "auto",
  granule: 128,
  solver: "highs",
  timeLimitSeconds: 20,
  relativeGap: 0.001,
  maxNanoBatches: 8,
};

const cases: { model: string; gpus: number; gpu?: string; workload?: string }[] = [
  { model: "llama-70b", gpus: 8 },
  { model: "llama3-8b", gpus: 1 },
  { model: "llama-13b", gpus: 2, gpu: "a100" },
  { model: "qwen2-72b", gpus: 4, gpu: "h200", workload: "decode-1024" },
];

for (const c of cases) {
  test(`plan for ${c.model} on ${c.gpus} x ${c.gpu ?? "h100"}: valid, replayable, optimal, no slower than sequential`, async () => {
    const plan = await makePlan({ ...base, ...c });
    assert.doesNotThrow(() => PlanSchema.parse(plan));
    assert.deepEqual(replayViolations(plan), []);
    assert.equal(plan.solver.status, "optimal");
    assert.ok(plan.solver.gap <= 0.001 + 1e-9, `gap ${plan.solver.gap}`);
    assert.ok(plan.prediction.layerUs <= plan.prediction.sequential.layerUs + 1e-6);
    assert.ok(plan.prediction.lowerBound.layerUs <= plan.prediction.layerUs + 1e-6);
    // Nano-batches tile the dense batch exactly.
    let row = 0;
    for (const n of plan.nanoBatches) {
      assert.equal(n.rows[0], row);
      assert.equal(n.decodeRows[0], n.rows[0]);
      assert.equal(n.decodeRows[1], n.prefillRows[0]);
      assert.equal(n.prefillRows[1], n.rows[1]);
      row = n.rows[1];
    }
    assert.equal(row, plan.batch.tokens);
    // Co-running partitions fit the GPU.
    for (const layout of plan.layouts) assert.ok(layout.partitions.reduce((s, p) => s + p.sms, 0) <= plan.gpu.sms);
  });
}

test("the replay check catches an op moved before its dependency", async () => {
  const plan = await makePlan({ ...base, model: "llama3-8b", gpus: 1 });
  const broken = structuredClone(plan);
  const victim = broken.operations.find((o) => o.kind === "o_gemm")!;
  const length = victim.endUs - victim.startUs;
  victim.startUs = 0;
  victim.endUs = length;
  assert.ok(replayViolations(broken).some((v) => v.includes(victim.id)));
});

test("a Mixtral (mixture-of-experts) model is refused with a clear error", async () => {
  await assert.rejects(makePlan({ ...base, model: "mixtral-8x7b", gpus: 2 }), /mixture-of-experts/);
});

test("too few GPUs for the weights says how much memory is missing", async () => {
  await assert.rejects(makePlan({ ...base, model: "llama-405b", gpus: 1 }), /GiB missing; raise --gpus/);
});

test("--nano-batches plans exactly that count, and refuses one that cannot cut the batch evenly", async () => {
  const plan = await makePlan({ ...base, model: "llama3-8b", gpus: 1, workload: "decode-1024", batch: 256, nanoBatches: 2 });
  assert.equal(plan.nanoBatches.length, 2);
  assert.deepEqual(replayViolations(plan), []);
  await assert.rejects(makePlan({ ...base, model: "llama3-8b", gpus: 1, workload: "decode-1024", batch: 256, nanoBatches: 5 }), /--nano-batches 5/);
});

test("however few the layers, a plan's iteration is never predicted slower than sequential", async () => {
  for (const layers of [1, 2, 4, 80]) {
    const plan = await makePlan({ ...base, model: "llama-70b", gpus: 8, gpu: "h200", workload: "decode-1024", batch: 2048, allReduce: false, layers });
    assert.ok(plan.prediction.iterationUs <= plan.prediction.sequential.iterationUs + 1e-6, `${layers} layers`);
    const sequential = plan.nanoBatches.length === 1;
    assert.equal(plan.notes.some((n) => n.includes("so the plan is sequential")), sequential && plan.solver.objectiveUs < plan.prediction.sequential.layerUs);
  }
});

test("--all-reduce-method peer plans from the profile's peer measurements and records the method; a profile without them is refused, saying how to measure them", async () => {
  const folder = await mkdtemp(join(tmpdir(), "nanoweave-peer-plan-"));
  try {
    // The shipped profile's NCCL measurements, without any peer ones it has.
    const { peerAllReduce: _shippedPeer, ...shipped } = ProfileSchema.parse(JSON.parse(await readFile(join(REPOSITORY_ROOT, "profiles/H200-SXM.json"), "utf8")));
    // A peer all-reduce twice as fast as NCCL's, alike in its interference.
    const peerAllReduce = {
      tables: shipped.allReduce.map((t) => ({ ...t, timeUs: t.timeUs.map((row) => row.map((us) => us / 2)) })),
      gemmWithAllReduce: shipped.interference.gemmWithAllReduce,
      allReduceWithAttention: shipped.interference.allReduceWithAttention,
    };
    const profile = join(folder, "H200-peer.json");
    await writeFile(profile, JSON.stringify({ ...shipped, peerAllReduce }));
    const request = { ...base, model: "llama-70b", gpus: 4, gpu: "h200", workload: "decode-1024", batch: 2048, layers: 8, profile } as const;
    const nccl = await makePlan(request);
    const peer = await makePlan({ ...request, allReduceMethod: "peer" });
    assert.equal(nccl.allReduceMethod, "nccl");
    assert.equal(peer.allReduceMethod, "peer");
    assert.deepEqual(replayViolations(peer), []);
    // (Each plan picks its own network partition, so their all-reduce times are not compared: the
    // cost model's test checks that peer's are read from its tables.)
    // The iteration, not the layer: where the faster all-reduce leaves pipelining too little to gain over 8 layers, the peer plan runs sequentially.
    assert.ok(peer.prediction.iterationUs <= nccl.prediction.iterationUs * 1.002, `peer ${peer.prediction.iterationUs} us, NCCL ${nccl.prediction.iterationUs}`);

    const shippedPath = join(folder, "H200-nccl.json");
    await writeFile(shippedPath, JSON.stringify(shipped));
    await assert.rejects(
      makePlan({ ...request, profile: shippedPath, allReduceMethod: "peer" }),
      (error: Error) => error instanceof InputError && error.message.includes(`${shippedPath} has no peer all-reduce measurements`) && error.message.includes(`--only peer-allreduce --merge --out ${shippedPath}`),
    );
    // One GPU's shard has no all-reduce to plan, so any profile will do.
    assert.equal((await makePlan({ ...request, profile: shippedPath, allReduce: false, allReduceMethod: "peer" })).allReduce, false);
  } finally {
    await rm(folder, { recursive: true, force: true });
  }
});

/** The H200 shard planned from the shipped H200 profile with `part` as given, and without it. */
async function shardPlansWithAndWithout<K extends "laneSwitch" | "sustainedLoad">(part: K, value: NonNullable<Profile[K]>): Promise<{ withPart: Plan; without: Plan }> {
  const [withPart, without] = await shardPlansFrom((shipped) => {
    const { [part]: _shipped, ...rest } = shipped;
    return [{ ...rest, [part]: value }, rest];
  });
  return { withPart: withPart!, without: without! };
}

const SHARD_REQUEST = { ...base, model: "llama-70b", gpus: 8, gpu: "h200", workload: "decode-1024", batch: 2048, layers: 16, allReduce: false } as const;

/** The H200 shard (or `request`) planned from each profile `edit` makes of the shipped H200 profile. */
async function shardPlansFrom(edit: (shipped: Profile) => object[], request: PlanRequest = SHARD_REQUEST): Promise<Plan[]> {
  const folder = await mkdtemp(join(tmpdir(), "nanoweave-shard-"));
  try {
    const shipped = ProfileSchema.parse(JSON.parse(await readFile(join(REPOSITORY_ROOT, "profiles/H200-SXM.json"), "utf8")));
    const plans: Plan[] = [];
    for (const [i, profile] of edit(shipped).entries()) {
      const path = join(folder, `${i}.json`);
      await writeFile(path, JSON.stringify(profile));
      plans.push(await makePlan({ ...request, profile: path }));
    }
    return plans;
  } finally {
    await rm(folder, { recursive: true, force: true });
  }
}

test("an unevenly cut plan is predicted at the period the runtime's issue order gives its ops' times, below the MILP's slot-per-nano-batch period", async () => {
  const requests: [PlanRequest, number[]][] = [
    [{ ...base, model: "llama3-8b", gpus: 1, gpu: "h200", workload: "decode-1024", batch: 896 }, [512, 384]],
    // Its chain ends on the network stream, whose all-reduce feeds the next layer's first op.
    [{ ...base, model: "llama-70b", gpus: 4, gpu: "h200", workload: "decode-4096", batch: 1920, layers: 8, allReduceMethod: "peer", nanoBatches: 2 }, [1024, 896]],
  ];
  for (const [request, rows] of requests) {
    // Without lane switches, which the runtime's replay leaves out (it splits a miss into the ops' times and the time between them).
    const [plan] = await shardPlansFrom((shipped) => {
      const { laneSwitch: _measured, ...rest } = shipped;
      return [rest];
    }, request);
    assert.deepEqual(plan!.nanoBatches.map((n) => n.rows[1] - n.rows[0]), rows);
    assert.deepEqual(replayViolations(plan!), []);
    const replayed = scheduleReplay(operationsFor(plan!, "planned"))(1, (op) => op.endUs - op.startUs);
    assert.ok(Math.abs(replayed / plan!.prediction.layerUs - 1) < 1e-4, `${request.model}: replayed ${replayed} us, predicted ${plan!.prediction.layerUs}`);
    assert.equal(plan!.periodUs, plan!.prediction.layerUs);
    assert.ok(plan!.prediction.layerUs < 0.99 * plan!.solver.objectiveUs, `${request.model}: ${plan!.prediction.layerUs} us predicted, ${plan!.solver.objectiveUs} the MILP's`);
  }
});

test("a plan from a profile with lane switches leaves each measured switch between dependent ops on different lanes; without them the plan says it priced none", async () => {
  const laneSwitch = { crossLaneUs: 2, wholeGpu: [{ lanes: 2, switchUs: 6 }] };
  const { withPart: priced, without: free } = await shardPlansWithAndWithout("laneSwitch", laneSwitch);
  assert.ok(free.notes.some((note) => note.includes("no lane-switch measurements")));
  assert.ok(!priced.notes.some((note) => note.includes("lane-switch")));
  assert.ok(priced.prediction.layerUs > free.prediction.layerUs, `${priced.prediction.layerUs} us priced, ${free.prediction.layerUs} free`);
  assert.deepEqual(replayViolations(priced), []);
  const byId = new Map(priced.operations.map((op) => [op.id, op]));
  const whole = (op: Plan["operations"][number]) => op.layout === "whole";
  let switches = 0;
  for (const op of priced.operations) {
    for (const dependency of op.dependsOn) {
      const producer = byId.get(dependency.op)!;
      const cost = laneSwitchUs({ crossLaneUs: laneSwitch.crossLaneUs, wholeGpuUs: laneSwitch.wholeGpu[0]!.switchUs }, op.stream === producer.stream, whole(producer), whole(op));
      if (cost === 0) continue;
      switches++;
      const producerEnd = producer.endUs + dependency.layer * priced.periodUs;
      assert.ok(op.startUs >= producerEnd + cost - 1e-6, `${op.id} starts ${op.startUs - producerEnd} us after ${dependency.op}, less than the ${cost} us switch`);
    }
  }
  assert.ok(switches > 0, "the plan has dependencies across lanes");
});

test("a plan from a profile with sustained-load factors predicts the sequential layer at the power limit: GEMMs alone on the whole GPU slowed by gemmFactor; without them the plan says so", async () => {
  const { withPart: atLimit, without: tables } = await shardPlansWithAndWithout("sustainedLoad", { gemmFactor: 1.5, pipelinedGemmFactor: 1.5, attentionFactor: 1, elementwiseFactor: 1 });
  assert.ok(tables.notes.some((note) => note.includes("no sustained-load measurements")));
  assert.ok(!atLimit.notes.some((note) => note.includes("sustained-load")));
  // The sequential layer is its GEMMs plus the rest, each alone on the whole GPU: only the GEMMs grow, by half.
  const gemmUs = (plan: Plan) => plan.prediction.lowerBound.layerUs;
  assert.ok(Math.abs(gemmUs(atLimit) - 1.5 * gemmUs(tables)) < 1e-6 * gemmUs(atLimit), `${gemmUs(atLimit)} against ${gemmUs(tables)} us of GEMMs`);
  const grown = atLimit.prediction.sequential.layerUs - tables.prediction.sequential.layerUs;
  assert.ok(Math.abs(grown - 0.5 * gemmUs(tables)) < 1, `sequential grew ${grown} us, half its GEMMs is ${0.5 * gemmUs(tables)}`);
  assert.deepEqual(replayViolations(atLimit), []);
});

test("the pipelined GEMM factor slows a plan's whole-GPU GEMMs, not the sequential layer; a profile measured before it is noted", async () => {
  const sustained = { gemmFactor: 1.1, attentionFactor: 1, elementwiseFactor: 1 };
  const [older, sequentialClocks, hotter] = await shardPlansFrom((shipped) => [
    { ...shipped, sustainedLoad: sustained },
    { ...shipped, sustainedLoad: { ...sustained, pipelinedGemmFactor: 1.1 } },
    { ...shipped, sustainedLoad: { ...sustained, pipelinedGemmFactor: 1.21 } },
  ]);
  assert.ok(older!.notes.some((note) => note.includes("predates its pipelined GEMM factor")));
  assert.ok(!hotter!.notes.some((note) => note.includes("sustained-load")));
  assert.equal(older!.prediction.layerUs, sequentialClocks!.prediction.layerUs, "a factor equal to the sequential one changes nothing");
  assert.equal(hotter!.prediction.sequential.layerUs, sequentialClocks!.prediction.sequential.layerUs);
  const durations = (plan: Plan) => new Map(plan.operations.filter((op) => op.layout === "whole" && op.kind.endsWith("_gemm")).map((op) => [op.id, op.endUs - op.startUs]));
  const [cool, hot] = [durations(sequentialClocks!), durations(hotter!)];
  const both = [...hot.keys()].filter((id) => cool.has(id));
  assert.ok(both.length > 0, "both plans run GEMMs on the whole GPU");
  for (const id of both) assert.ok(Math.abs(hot.get(id)! / cool.get(id)! - 1.1) < 1e-6, `${id}: ${hot.get(id)} against ${cool.get(id)} us`);
  assert.deepEqual(replayViolations(hotter!), []);
});

test("a tensor-parallel sequential layer's GEMMs take the sequential factor at its all-reduces' share of the layer; a shard's do not; a profile without it is noted", async () => {
  const sustained = { gemmFactor: 1.1, pipelinedGemmFactor: 1.2, attentionFactor: 1, elementwiseFactor: 1 };
  const factors = [{ networkShare: 0.1, gemmFactor: 1.0 }, { networkShare: 0.3, gemmFactor: 0.9 }];
  const edit = (shipped: Profile) => [{ ...shipped, sustainedLoad: sustained }, { ...shipped, sustainedLoad: { ...sustained, sequentialGemmFactors: factors } }];
  const tp4 = { ...SHARD_REQUEST, gpus: 4, layers: 8, allReduce: true, allReduceMethod: "peer", nanoBatches: 2 } as const;
  const [before, after] = await shardPlansFrom(edit, tp4);
  assert.ok(before!.notes.some((note) => note.includes("predates its sequential GEMM factors") && note.includes("--only sustained-load --merge")));
  assert.ok(!after!.notes.some((note) => note.includes("sustained-load")), after!.notes.join("; "));
  const sequential = (plan: Plan) => new Map(plan.prediction.sequential.operations!.map((op) => [op.id, op.us]));
  const [cool, clocked] = [sequential(before!), sequential(after!)];
  const networkUs = [...cool].filter(([id]) => id.endsWith("all_reduce")).reduce((sum, [, us]) => sum + us, 0);
  const share = networkUs / before!.prediction.sequential.layerUs;
  assert.ok(share > 0.1 && share < 0.3, `all-reduces take ${share} of the sequential layer`);
  // Between the measured shares the factor is linear: 1.0 at 10%, 0.9 at 30%, against the one-GPU loop's 1.1.
  const ratio = (1.0 - ((share - 0.1) / 0.2) * 0.1) / 1.1;
  for (const [id, us] of cool) {
    const expected = id.endsWith("_gemm") ? us * ratio : us;
    assert.ok(Math.abs(clocked.get(id)! - expected) < 1e-6 * us, `${id}: ${clocked.get(id)} against ${expected} us`);
  }
  assert.ok(Math.abs(after!.prediction.layerUs - before!.prediction.layerUs) < 1e-6, "the planned layer overlaps its all-reduces: unchanged");
  // A shard has no all-reduces to cool it.
  const [shardBefore, shardAfter] = await shardPlansFrom(edit);
  assert.equal(shardAfter!.prediction.sequential.layerUs, shardBefore!.prediction.sequential.layerUs);
  assert.ok(!shardBefore!.notes.some((note) => note.includes("sequential GEMM factors")));
});

test("a plan gives each op of nano-batch 0 its sequential time over every row, summing to the sequential layer", async () => {
  const plan = await makePlan({ ...base, model: "llama-70b", gpus: 8, allReduce: false, layers: 16, workload: "decode-1024", batch: 2048, gpu: "h200" });
  const sequential = plan.prediction.sequential.operations!;
  const first = plan.operations.filter((op) => op.nanoBatch === 0);
  assert.deepEqual(sequential.map((op) => op.id).sort(), first.map((op) => op.id).sort());
  const total = sequential.reduce((sum, op) => sum + op.us, 0);
  assert.ok(Math.abs(total - plan.prediction.sequential.layerUs) < 1e-6, `${total} against ${plan.prediction.sequential.layerUs}`);
  // Every row on the whole GPU takes longer than nano-batch 0's share of them.
  assert.ok(plan.nanoBatches.length > 1);
  const byId = new Map(sequential.map((op) => [op.id, op.us]));
  for (const op of first.filter((o) => o.kind.endsWith("_gemm"))) assert.ok(byId.get(op.id)! > op.endUs - op.startUs, op.id);
});

test("the candidate sizes of --batch best: the largest that fits, then the largest each nano-batch count cuts evenly", () => {
  assert.deepEqual(candidateBatches(896, 128, 8), [896, 768, 640, 512]);
  assert.deepEqual(candidateBatches(2816, 128, 8), [2816, 2688, 2560, 2304, 2048]);
  assert.deepEqual(candidateBatches(256, 128, 8), [256]);
});

test("--batch best keeps the size with the most predicted tokens/s, which beats the largest cut unevenly", async () => {
  const request = { ...base, model: "llama-70b", gpus: 8 } as const;
  const largest = await makePlan({ ...request, batch: "auto" });
  const best = await makePlan({ ...request, batch: "best" });
  assert.doesNotThrow(() => PlanSchema.parse(best));
  assert.deepEqual(replayViolations(best), []);
  const candidates = best.batch.candidates!;
  assert.deepEqual(candidates.map((c) => c.tokens), candidateBatches(largest.batch.tokens, 128, 8));
  // The largest is planned first and in full, to the period --batch auto gives it (counts that tie
  // on it differ in their pipeline's fill, so tokens/s may differ a little).
  assert.ok(Math.abs(candidates[0]!.layerUs! / largest.prediction.layerUs - 1) < 1e-6);
  // On 8 H100s the largest (2,816) is cut 1,024 + 1,024 + 768; a smaller size cut evenly serves more.
  assert.deepEqual(largest.nanoBatches.map((n) => n.rows[1] - n.rows[0]), [1024, 1024, 768]);
  assert.ok(best.batch.tokens < largest.batch.tokens, `chose ${best.batch.tokens}`);
  assert.ok(best.prediction.tokensPerSecondPerGpu > 1.02 * largest.prediction.tokensPerSecondPerGpu);
  for (const c of candidates) assert.ok(c.tokensPerSecondPerGpu === null || c.tokensPerSecondPerGpu <= best.prediction.tokensPerSecondPerGpu);
  assert.equal(candidates.find((c) => c.tokens === best.batch.tokens)!.tokensPerSecondPerGpu, best.prediction.tokensPerSecondPerGpu);
  assert.ok(best.batch.auto);
  assert.equal(largest.batch.candidates, undefined);
  // With a forced nano-batch count, best plans the largest only.
  const forced = await makePlan({ ...request, batch: "best", nanoBatches: 2 });
  assert.equal(forced.batch.tokens, largest.batch.tokens);
  assert.equal(forced.batch.candidates, undefined);
});
