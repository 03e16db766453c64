/** `nanoweave profile --quick` on the GPU through the real CLI: a valid profile whose numbers make sense. */
import { test } from "node:test";
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { mkdtemp, readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { ELEMENTWISE_KERNELS } from "../../planner/model/elementwise-kernels.js";
import { ProfileSchema } from "../../planner/profile/schema.js";
import { Gpu } from "../../runtime/gpu/Gpu.js";
import { gpuSkip } from "../support/gpuTesting.js";
import { CLI_ENTRY } from "../support/repository.js";

test("profile --quick writes a profile that validates, with times that fall as SMs are added", { skip: gpuSkip, timeout: 600_000 }, async () => {
  const folder = await mkdtemp(join(tmpdir(), "nanoweave-profile-gpu-"));
  try {
    const out = join(folder, "quick.json");
    const run = spawnSync(process.execPath, [CLI_ENTRY, "profile", "--quick", "--out", out], { encoding: "utf8", timeout: 590_000 });
    console.log(run.stderr.split("\n").filter((line) => /^(profiling|wrote)/.test(line)).map((line) => `# ${line}`).join("\n"));
    assert.equal(run.status, 0, run.stderr);
    const profile = ProfileSchema.parse(JSON.parse(await readFile(out, "utf8")));
    assert.equal(profile.source, "measured");
    assert.ok(profile.provenance.driver && profile.provenance.cublas && profile.provenance.nvrtc);
    const biggest = profile.gemm.reduce((a, b) => (a.n * a.k >= b.n * b.k ? a : b));
    const atMostTokens = biggest.timeUs.at(-1)!;
    assert.ok(atMostTokens[0]! > atMostTokens.at(-1)!, `GEMM ${biggest.n}x${biggest.k}: ${atMostTokens.join(", ")} us from fewest to most SMs`);
    for (const table of profile.decodeAttention) {
      const fewest = table.timeUs.map((byContext) => byContext.at(-1)![0]!);
      assert.ok(fewest.at(-1)! > fewest[0]!, `attention ${table.kvHeads}x${table.groupSize}: ${fewest.join(", ")} us as requests grow`);
    }
    assert.ok(profile.elementwise.bandwidthTBs.at(-1)! > profile.elementwise.bandwidthTBs[0]!);
    // Every small kernel has its own table, and more rows take longer on the fewest SMs.
    assert.deepEqual(profile.elementwise.tables?.map((t) => t.kernel), [...ELEMENTWISE_KERNELS]);
    for (const table of profile.elementwise.tables ?? []) {
      const onFewest = table.timeUs.map((bySms) => bySms[0]!);
      assert.ok(onFewest.at(-1)! > onFewest[0]!, `${table.kernel}: ${onFewest.join(", ")} us as rows grow`);
    }
    // Ordering work across lanes costs time of its own, about a microsecond or a few (H200: 0.9 us between partitions, 2.5 us to the whole GPU).
    const laneSwitch = profile.laneSwitch!;
    console.log(`# lane switch: ${JSON.stringify(laneSwitch)}`);
    assert.ok(laneSwitch.crossLaneUs > 0.1 && laneSwitch.crossLaneUs < 10, JSON.stringify(laneSwitch));
    assert.deepEqual(laneSwitch.wholeGpu.map((point) => point.lanes), [2, 3]);
    for (const point of laneSwitch.wholeGpu) assert.ok(point.switchUs > 0.1 && point.switchUs < 20, JSON.stringify(laneSwitch));
    // Under sustained load the GPU runs no faster than cool, and not absurdly slower (the GEMM at 700 W: H200 1.12-1.13x, H100 1.05x).
    const sustained = profile.sustainedLoad!;
    console.log(`# sustained load: ${JSON.stringify(sustained)}`);
    const { sequentialGemmFactors, ...scalars } = sustained;
    for (const factor of Object.values(scalars)) assert.ok(factor > 0.97 && factor < 1.6, JSON.stringify(sustained));
    assert.ok(sustained.pipelinedGemmFactor !== undefined, "the sustained-load section measures the pipelined GEMM factor");
    // Held shares come out near the 5, 15 and 30% asked for, and the GEMM between them runs no slower than without.
    assert.equal(sequentialGemmFactors?.length, 3, JSON.stringify(sustained));
    [0.05, 0.15, 0.3].forEach((share, i) => assert.ok(Math.abs(sequentialGemmFactors![i]!.networkShare - share) < 0.03, JSON.stringify(sustained)));
    for (const point of sequentialGemmFactors!) assert.ok(point.gemmFactor > 0.8 && point.gemmFactor < sustained.gemmFactor * 1.03, JSON.stringify(sustained));
    // On several GPUs, GEMM beside all-reduce is measured as plans lay it out: the GEMM on a split's group, not all the SMs the partner leaves.
    if (Gpu.count() > 1) {
      for (const point of profile.interference.gemmWithAllReduce) {
        assert.ok(point.gemmSms !== undefined && point.gemmSms + point.partnerSms < profile.provenance.sms, JSON.stringify(point));
      }
    }
  } finally {
    await rm(folder, { recursive: true, force: true });
  }
});
