/**
 * The peer all-reduce kernel over arbitrary buffers (runtime/kernels/peerSum.ts), as `nanoweave
 * profile` times it: every GPU of the process, a range that does not split evenly over the ranks,
 * launches from 8-SM partitions, each rank's launches recorded in a CUDA graph of its own and
 * replayed; the sums exact (small integers), the elements outside the range untouched. A rank
 * whose peers never launch stops with a CUDA error after 10 s instead of hanging. Then
 * `nanoweave profile --only peer-allreduce` through the real CLI.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { mkdtemp, readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { ProfileSchema } from "../../planner/profile/schema.js";
import { Gpu } from "../../runtime/gpu/Gpu.js";
import { ModelKernels } from "../../runtime/kernels/modelKernels.js";
import { PeerSum } from "../../runtime/kernels/peerSum.js";
import { gpuSkip } from "../support/gpuTesting.js";
import { CLI_ENTRY, REPOSITORY_ROOT } from "../support/repository.js";

const gpuCount = gpuSkip ? 0 : Gpu.count();
const skip = gpuSkip || (gpuCount < 2 && `the peer all-reduce needs 2 or more GPUs; this machine has ${gpuCount}`);
if (skip && !gpuSkip) console.log(`# peer-sum test skipped: ${skip}`);

test("the peer kernel sums a range of every GPU's buffer in place, eagerly and replayed from per-rank graphs", { skip, timeout: 300_000 }, async () => {
  const gpus = Array.from({ length: Math.min(gpuCount, 8) }, (_, ordinal) => Gpu.open(ordinal));
  const kernels: ModelKernels[] = [];
  let peer: PeerSum | undefined;
  try {
    for (const gpu of gpus) kernels.push(await ModelKernels.compile(gpu));
    peer = PeerSum.create(gpus.map((gpu, rank) => ({ gpu, kernels: kernels[rank]! })));
    const partitions = gpus.map((gpu) => gpu.createSmPartitions([8])[0]!);
    const streams = partitions.map((partition) => partition.stream);
    // 1000 words over the ranks: the last rank's piece is shorter (or empty).
    const length = 12_000;
    const [begin, count] = [1024, 8000];
    const inputs = gpus.map((_, rank) => Float32Array.from({ length }, (_, i) => ((i * 7 + rank * 3) % 11) - 5));
    const buffers = gpus.map((gpu, rank) => gpu.upload("bf16", inputs[rank]!));
    const expect = (rounds: number): Float32Array =>
      Float32Array.from({ length }, (_, i) => {
        if (i < begin || i >= begin + count) return inputs[0]![i]!;
        // Every round sums every rank's copy, and each copy is the previous round's sum.
        const sum = inputs.reduce((total, input) => total + input[i]!, 0);
        return sum * gpus.length ** (rounds - 1);
      });
    peer.sum(streams, buffers, begin, count, 8);
    for (const stream of streams) stream.synchronize();
    for (const [rank, buffer] of buffers.entries()) {
      const out = buffer.download();
      const want = expect(1);
      for (let i = 0; i < length; i++) {
        const wanted = i < begin || i >= begin + count ? inputs[rank]![i]! : want[i]!;
        if (out[i] !== wanted) assert.fail(`rank ${rank}, element ${i}: ${out[i]} where ${wanted} was expected`);
      }
    }
    // Two more rounds from graphs, one per rank, recorded apart and launched one rank after another.
    const graphs = streams.map((stream, rank) => {
      stream.beginCapture("thread-local");
      peer!.launchRank(rank, stream, buffers, begin, count, 8);
      return stream.endCapture();
    });
    for (let round = 0; round < 2; round++) graphs.forEach((graph, rank) => graph.launch(streams[rank]!));
    for (const stream of streams) stream.synchronize();
    const want = expect(3);
    for (const [rank, buffer] of buffers.entries()) {
      const out = buffer.download();
      for (let i = begin; i < begin + count; i++) if (out[i] !== want[i]) assert.fail(`graphs: rank ${rank}, element ${i}: ${out[i]} where ${want[i]} was expected`);
    }
    graphs.forEach((graph) => graph.dispose());
    assert.throws(() => peer!.launchRank(0, streams[0]!, buffers, 4, 8, 8), /multiples of 8/);
    assert.throws(() => peer!.launchRank(0, streams[0]!, buffers, 8, length, 8), /at least 12008 elements/);
    assert.throws(() => peer!.launchRank(0, streams[0]!, buffers.slice(1), 0, 8, 8), new RegExp(`one buffer for each of the ${gpus.length} ranks`));
    buffers.forEach((buffer) => buffer.dispose());
    partitions.forEach((partition) => partition.dispose());
  } finally {
    peer?.dispose();
    kernels.forEach((k) => k.dispose());
    gpus.forEach((gpu) => gpu.dispose());
  }
});

test("a rank whose peers never launch stops after 10 s with a CUDA error from the wait, and everything is disposed after it", { skip, timeout: 120_000 }, () => {
  // In a child process: the trap leaves GPU 0's context unusable for the rest of the process.
  const child = spawnSync(process.execPath, [join(REPOSITORY_ROOT, "dist/test/support/peerSumAlone.js")], { encoding: "utf8", timeout: 100_000 });
  console.log(child.stdout.split("\n").filter(Boolean).map((line) => `# ${line}`).join("\n"));
  assert.equal(child.status, 0, `${child.stdout}${child.stderr}`);
  const [, seconds] = /^error after (\d+\.\d) s: cuStreamSynchronize failed: CUDA driver error \d+ CUDA_ERROR_\w+/m.exec(child.stdout) ?? assert.fail(`no CUDA error from the wait: ${child.stdout}`);
  assert.ok(Number(seconds) >= 9.5 && Number(seconds) < 60, `trapped after ${seconds} s, where the limit is 10 s`);
  assert.match(child.stdout, /^disposed$/m);
});

test("profile --only peer-allreduce adds the peer kernel's tables and interference", { skip, timeout: 600_000 }, async () => {
  const folder = await mkdtemp(join(tmpdir(), "nanoweave-peer-profile-"));
  try {
    const out = join(folder, "peer.json");
    const devices = Array.from({ length: Math.min(gpuCount, 4) }, (_, i) => i).join(",");
    const run = spawnSync(process.execPath, [CLI_ENTRY, "profile", "--quick", "--devices", devices, "--only", "peer-allreduce", "--out", out], { encoding: "utf8", timeout: 590_000 });
    console.log(run.stderr.split("\n").filter((line) => /^(profiling|wrote)/.test(line)).map((line) => `# ${line}`).join("\n"));
    assert.equal(run.status, 0, run.stderr);
    const profile = ProfileSchema.parse(JSON.parse(await readFile(out, "utf8")));
    const peer = profile.peerAllReduce!;
    assert.ok(peer, "the profile has peerAllReduce");
    assert.deepEqual(peer.tables.map((t) => t.gpus), [2, 4].filter((g) => g <= Math.min(gpuCount, 4)));
    for (const table of peer.tables) {
      const onFewest = table.timeUs.map((bySms) => bySms[0]!);
      assert.ok(onFewest.at(-1)! > onFewest[0]!, `${table.gpus} GPUs: ${onFewest.join(", ")} us as bytes grow`);
    }
    assert.ok(peer.gemmWithAllReduce.every((p) => p.gemmFactor > 0.8 && p.gemmFactor < 3), JSON.stringify(peer.gemmWithAllReduce));
    assert.ok(profile.provenance.notes.some((note) => note.startsWith("peer all-reduce: native/kernels/peer_sum.cu")));
  } finally {
    await rm(folder, { recursive: true, force: true });
  }
});
