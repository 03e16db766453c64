/** The profile driver on a fake measurer: output, checkpoints and resume, merging, refusals. */
import { test } from "node:test";
import assert from "node:assert/strict";
import { existsSync } from "node:fs";
import { mkdtemp, readdir, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { InputError } from "../../planner/errors.js";
import { ELEMENTWISE_KERNELS } from "../../planner/model/elementwise-kernels.js";
import { ProfileSchema, type Profile } from "../../planner/profile/schema.js";
import { checkpointPath } from "../../planner/profiling/checkpoint.js";
import { runProfile, type ProfileRunOptions } from "../../planner/profiling/run-profile.js";
import { FakeMeasurer, type FakeMeasurerOptions } from "../support/fakeMeasurer.js";

interface Run {
  out: string;
  measurer: FakeMeasurer;
  log: string[];
}

async function withFolder(body: (folder: string) => Promise<void>): Promise<void> {
  const folder = await mkdtemp(join(tmpdir(), "nanoweave-profile-"));
  try {
    await body(folder);
  } finally {
    await rm(folder, { recursive: true, force: true });
  }
}

async function profile(out: string, options: Partial<ProfileRunOptions> & { fake?: FakeMeasurerOptions } = {}): Promise<Run> {
  const measurer = new FakeMeasurer(options.fake);
  const log: string[] = [];
  await runProfile({
    out,
    quick: true,
    resume: false,
    merge: false,
    command: "nanoweave profile (test)",
    openMeasurer: async () => measurer,
    log: { write: (text: string) => log.push(text) },
    ...options,
  });
  return { out, measurer, log };
}

async function readProfileFile(file: string): Promise<Profile> {
  return ProfileSchema.parse(JSON.parse(await readFile(file, "utf8")));
}

test("a run writes a profile that validates, with a table for every target and the run's provenance", async () => {
  await withFolder(async (folder) => {
    const out = join(folder, "H100-SXM.json");
    const { measurer, log } = await profile(out, { quick: false });
    const written = await readProfileFile(out);
    assert.equal(written.source, "measured");
    assert.equal(written.provenance.gpu, "NVIDIA H100 80GB HBM3");
    assert.equal(written.provenance.cublas, "13.1.0");
    assert.equal(written.provenance.command, "nanoweave profile (test)");
    assert.ok(written.provenance.durationSeconds !== undefined);
    assert.ok(written.gemm.some((t) => t.n === 7168 && t.k === 8192), "Llama-2-70B TP8 gate/up GEMM");
    assert.ok(written.gemm.every((t) => t.sms.includes(72) && t.sms.includes(120) && t.sms.includes(132) && !t.sms.includes(124)));
    assert.ok(written.decodeAttention.some((t) => t.groupSize === 8 && t.kvHeads === 1));
    // Only one GPU: no all-reduce measured, and the notes say which parts stay analytic.
    assert.ok(!measurer.calls.some((call) => call.startsWith("allreduce")));
    const notes = written.provenance.notes.join("\n");
    assert.match(notes, /prefillAttention: analytic, not measured \(nanoweave has no prefill attention kernel yet\)/);
    assert.match(notes, /allReduce: analytic, not measured \(it needs 2 or more GPUs/);
    assert.match(notes, /not profiled: Mixtral-8x7B: mixture of experts/);
    assert.match(notes, /not profiled: Llama-3.1-405B at TP 1, 2, 4, 8: its weights do not fit/);
    assert.ok(measurer.disposed);
    assert.deepEqual(await readdir(folder), ["H100-SXM.json"], "no checkpoint or temporary file is left");
    assert.match(log.join(""), /wrote .*H100-SXM\.json/);
  });
});

test("an interrupted run keeps finished tables in its checkpoint, writes no profile, and --resume measures only the rest", async () => {
  await withFolder(async (folder) => {
    const out = join(folder, "profile.json");
    await assert.rejects(profile(out, { fake: { failAt: 5 } }), (error: Error) => {
      assert.ok(!(error instanceof InputError));
      assert.match(error.message, /^while measuring .*fake GPU fault.* The 4 tables measured before are kept: run again with --resume/);
      return true;
    });
    assert.equal(existsSync(out), false, "no half-written profile");
    const checkpoint = JSON.parse(await readFile(checkpointPath(out), "utf8")) as { results: Record<string, unknown> };
    assert.equal(Object.keys(checkpoint.results).length, 4);

    const all = (await profile(join(folder, "reference.json"))).measurer.calls.length;
    const resumed = await profile(out, { resume: true });
    assert.equal(resumed.measurer.calls.length, all - 4);
    assert.match(resumed.log.join(""), /4 already in/);
    await readProfileFile(out);
    assert.equal(existsSync(checkpointPath(out)), false);
  });
});

test("--resume refuses a checkpoint made with another grid or GPU", async () => {
  await withFolder(async (folder) => {
    const out = join(folder, "profile.json");
    await assert.rejects(profile(out, { fake: { failAt: 2 } }));
    await assert.rejects(profile(out, { resume: true, quick: false }), (error: Error) => error instanceof InputError && /other settings/.test(error.message));
    await assert.rejects(profile(out, { resume: true, fake: { name: "NVIDIA H200" } }), InputError);
  });
});

test("a merge run on four GPUs adds 2- and 4-GPU all-reduce and its interference, keeps the other tables, and records both runs", async () => {
  await withFolder(async (folder) => {
    const out = join(folder, "profile.json");
    await profile(out);
    const before = await readProfileFile(out);
    const merge = await profile(out, { merge: true, only: "allreduce,allreduce-interference,allreduce-attention-interference", fake: { gpus: 4 }, command: "second run" });
    assert.deepEqual(merge.measurer.calls, ["nccl allreduce 2", "nccl allreduce 4", "interference nccl", "nccl allreduce beside attention"]);
    const after = await readProfileFile(out);
    // The analytic tables go: 8 GPUs is then extrapolated from the measured 2 and 4 by the cost model.
    assert.deepEqual(after.allReduce.map((t) => t.gpus), [2, 4]);
    assert.ok(!after.provenance.notes.some((note) => /^(allReduce|interference.gemmWithAllReduce|interference.allReduceWithAttention): analytic/.test(note)));
    assert.ok(after.provenance.notes.some((note) => /^prefillAttention: analytic/.test(note)));
    assert.deepEqual(after.gemm, before.gemm);
    assert.deepEqual(after.decodeAttention, before.decodeAttention);
    assert.deepEqual(after.interference.gemmWithAttention, before.interference.gemmWithAttention);
    assert.notDeepEqual(after.interference.gemmWithAllReduce, before.interference.gemmWithAllReduce);
    // The fake's all-reduce is 1.4x slower beside attention, on the memory share plans give attention.
    assert.deepEqual(after.interference.allReduceWithAttention.map((p) => [p.memorySms, p.allReduceFactor]), [[24, 1.4], [24, 1.4]]);
    const runs = after.provenance.notes.filter((note) => note.startsWith("run "));
    assert.equal(runs.length, 2);
    assert.match(runs[1]!, /`second run` measured allreduce, allreduce-interference, allreduce-attention-interference on GPU 0, 1, 2, 3/);
    assert.equal(after.provenance.command, "second run");
  });
});

test("the peer all-reduce is its own section: a merge adds its tables and interference beside NCCL's, which it keeps", async () => {
  await withFolder(async (folder) => {
    const out = join(folder, "profile.json");
    await profile(out);
    assert.equal((await readProfileFile(out)).peerAllReduce, undefined);
    await profile(out, { merge: true, only: "allreduce,allreduce-interference,allreduce-attention-interference", fake: { gpus: 4 } });
    const nccl = await readProfileFile(out);
    const merge = await profile(out, { merge: true, only: "peer-allreduce", fake: { gpus: 4, method: "peer" }, command: "peer run" });
    assert.deepEqual(merge.measurer.calls, ["peer allreduce 2", "peer allreduce 4", "interference peer", "peer allreduce beside attention"]);
    const after = await readProfileFile(out);
    assert.deepEqual(after.allReduce, nccl.allReduce);
    assert.deepEqual(after.interference, nccl.interference);
    const peer = after.peerAllReduce!;
    assert.deepEqual(peer.tables.map((t) => t.gpus), [2, 4]);
    // The fake peer all-reduce takes half NCCL's time and is slowed 1.1x beside attention, NCCL's 1.4x.
    peer.tables[1]!.timeUs.flat().forEach((us, i) => assert.ok(Math.abs(us - nccl.allReduce[1]!.timeUs.flat()[i]! / 2) <= 1e-3));
    assert.deepEqual(peer.allReduceWithAttention.map((p) => p.allReduceFactor), [1.1, 1.1]);
    assert.equal(peer.gemmWithAllReduce.length, nccl.interference.gemmWithAllReduce.length);
    assert.ok(after.provenance.notes.includes("peer all-reduce: fake peer"));
    assert.ok(after.provenance.notes.some((note) => /^all-reduce: fake /.test(note)), "NCCL's method note stays");
    // Measured again on two GPUs, the 2-GPU table is replaced and the 4-GPU one kept.
    await profile(out, { merge: true, only: "peer-allreduce", fake: { gpus: 2, method: "peer", constantTime: 3 } });
    const again = (await readProfileFile(out)).peerAllReduce!;
    assert.deepEqual(again.tables.map((t) => [t.gpus, t.timeUs[0]![0]]), [[2, 3], [4, peer.tables[1]!.timeUs[0]![0]]]);
  });
});

test("a one-GPU run neither measures the peer all-reduce nor accepts --only peer-allreduce", async () => {
  await withFolder(async (folder) => {
    const out = join(folder, "profile.json");
    const run = await profile(out);
    assert.ok(!run.measurer.calls.some((call) => call.startsWith("peer")));
    await assert.rejects(profile(out, { merge: true, only: "peer-allreduce" }), (error: Error) => error instanceof InputError && /peer-allreduce runs across GPUs and needs at least 2 devices/.test(error.message));
  });
});

const ONE_GPU_WHOLE_SECTIONS = [
  {
    section: "lane-switch",
    call: "lane switch",
    read: (p: Profile) => p.laneSwitch,
    fake: { crossLaneUs: 0.9, wholeGpu: [{ lanes: 2, switchUs: 2.2 }, { lanes: 3, switchUs: 2.6 }] },
    merged: { crossLaneUs: 1.5, wholeGpu: [{ lanes: 2, switchUs: 1.5 }, { lanes: 3, switchUs: 1.5 }] },
  },
  {
    section: "sustained-load",
    call: "sustained load",
    read: (p: Profile) => p.sustainedLoad,
    fake: { gemmFactor: 1.12, pipelinedGemmFactor: 1.2, attentionFactor: 1.02, elementwiseFactor: 1.01 },
    merged: { gemmFactor: 1.5, pipelinedGemmFactor: 1.5, attentionFactor: 1.5, elementwiseFactor: 1.5 },
  },
] as const;

for (const { section, call, read, fake, merged } of ONE_GPU_WHOLE_SECTIONS) {
  test(`${section} is a one-GPU section: a full run measures it, and a merge of --only ${section} replaces it and keeps the rest`, async () => {
    await withFolder(async (folder) => {
      const out = join(folder, "profile.json");
      const first = await profile(out);
      assert.ok(first.measurer.calls.includes(call));
      const before = await readProfileFile(out);
      assert.deepEqual(read(before), fake);
      const merge = await profile(out, { merge: true, only: section, fake: { constantTime: 1.5 } });
      assert.deepEqual(merge.measurer.calls, [call]);
      const after = await readProfileFile(out);
      assert.deepEqual(read(after), merged);
      assert.deepEqual(after.gemm, before.gemm);
    });
  });
}

test("a merge replaces the method notes of the sections it measures again and keeps the others", async () => {
  await withFolder(async (folder) => {
    const out = join(folder, "profile.json");
    await profile(out, { fake: { method: "v1" } });
    await profile(out, { merge: true, only: "elementwise", fake: { method: "v2" }, command: "second run" });
    const notes = (await readProfileFile(out)).provenance.notes;
    assert.deepEqual(notes.filter((note) => note.startsWith("elementwise: ")), ["elementwise: fake v2"]);
    assert.deepEqual(notes.filter((note) => note.startsWith("GEMM: ")), ["GEMM: fake v1"]);
  });
});

test("the element-wise section times every small kernel on its own; merged into a profile made before such tables, it adds them", async () => {
  await withFolder(async (folder) => {
    const out = join(folder, "profile.json");
    await profile(out);
    const { elementwise, ...rest } = await readProfileFile(out);
    assert.deepEqual(elementwise.tables?.map((t) => t.kernel), [...ELEMENTWISE_KERNELS]);
    for (const table of elementwise.tables ?? []) {
      assert.deepEqual(table.tokens, [64, 1024, 8192]);
      assert.deepEqual(table.sms, elementwise.sms);
    }
    const { tables, ...older } = elementwise;
    await writeFile(out, JSON.stringify({ ...rest, elementwise: older }));
    const merge = await profile(out, { merge: true, only: "elementwise", command: "second run" });
    assert.deepEqual(merge.measurer.calls, ["elementwise", ...ELEMENTWISE_KERNELS.map((kernel) => `elementwise ${kernel}`)]);
    assert.deepEqual((await readProfileFile(out)).elementwise.tables, tables);
  });
});

test("GEMM beside attention is measured at each of the grid's GEMM rows on each split, RMSNorm once a split; merged into a profile from before, it replaces the points", async () => {
  await withFolder(async (folder) => {
    const out = join(folder, "profile.json");
    await profile(out);
    const written = await readProfileFile(out);
    // The quick grid: attention on 12 and 60 SMs, the GEMM at 256 and 2048 rows.
    const points = written.interference.gemmWithAttention;
    assert.deepEqual(points.map((p) => [p.partnerSms, p.gemmTokens, p.elementwiseFactor]), [[12, 256, undefined], [12, 2048, 1.6], [60, 256, undefined], [60, 2048, 1.6]]);
    const older = points.filter((p) => p.gemmTokens === 2048).map(({ gemmTokens: _, ...p }) => ({ ...p, gemmFactor: 1.01 }));
    await writeFile(out, JSON.stringify({ ...written, interference: { ...written.interference, gemmWithAttention: older } }));
    const merge = await profile(out, { merge: true, only: "attention-interference", command: "second run" });
    assert.deepEqual(merge.measurer.calls, ["interference attention"]);
    assert.deepEqual((await readProfileFile(out)).interference.gemmWithAttention, points);
  });
});

test("merging needs an existing profile of the same GPU model", async () => {
  await withFolder(async (folder) => {
    const out = join(folder, "profile.json");
    await assert.rejects(profile(out, { merge: true }), (error: Error) => error instanceof InputError && /does not exist/.test(error.message));
    await profile(out);
    await assert.rejects(profile(out, { merge: true, fake: { name: "NVIDIA H200" }, gpuConfig: "h100" }), (error: Error) => error instanceof InputError && /made on NVIDIA H100/.test(error.message));
  });
});

test("measurements that do not validate leave no profile behind", async () => {
  await withFolder(async (folder) => {
    const out = join(folder, "profile.json");
    await assert.rejects(profile(out, { fake: { constantTime: -1 } }), /does not validate, so nothing was written/);
    assert.equal(existsSync(out), false);
  });
});

test("sections across GPUs need two devices; the device's name must find a GPU config", async () => {
  await withFolder(async (folder) => {
    const out = join(folder, "profile.json");
    await assert.rejects(profile(out, { only: "allreduce" }), (error: Error) => error instanceof InputError && /needs at least 2 devices/.test(error.message));
    await assert.rejects(profile(undefined as unknown as string, { fake: { name: "NVIDIA B200" } }), (error: Error) => {
      assert.ok(error instanceof InputError);
      assert.match(error.message, /NVIDIA B200 .* matches no GPU config/);
      assert.match(error.message, /H100-SXM: H100 SXM/);
      assert.match(error.message, /--gpu-config/);
      return true;
    });
  });
});
