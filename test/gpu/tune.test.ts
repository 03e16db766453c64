/**
 * `nanoweave tune` on a GPU: it writes a table that the runtime accepts, listing only the plan's own
 * launches and only algorithms faster than cuBLAS's pick in the co-run windows, chosen among them in
 * the plan's own iterations; and a runtime given chosen algorithms
 * for every GEMM decodes the same tokens as one with cuBLAS's picks.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { readPlanFile } from "../../planner/plan/plan-file.js";
import { GEMM_ALGORITHM_TABLE_SCHEMA, GemmAlgorithmTableSchema, gemmKey, gemmMachine, loadGemmAlgorithms, type GemmAlgorithmTable } from "../../runtime/gemmAlgorithmTable.js";
import { Runtime } from "../../runtime/Runtime.js";
import { planGemmLaunches } from "../../runtime/tuning/gemmLaunches.js";
import { firstGpu, gpuSkip, relativeError } from "../support/gpuTesting.js";
import { CLI_ENTRY } from "../support/repository.js";
import { TINY_SHAPE, tinyPlanPath } from "../support/tinyLlama.js";

function planForThisGpu(): string {
  return tinyPlanPath(/H200/i.test(firstGpu().info.name) ? "h200" : "h100");
}

test("nanoweave tune writes a table of the plan's launches that the runtime accepts", { skip: gpuSkip, timeout: 600_000 }, async () => {
  const folder = await mkdtemp(path.join(tmpdir(), "nanoweave-tune-"));
  try {
    const out = path.join(folder, "table.json");
    const run = spawnSync(process.execPath, [CLI_ENTRY, "tune", "--plan", planForThisGpu(), "--out", out, "--finalists", "2"], { encoding: "utf8" });
    console.log(run.stdout.replace(/^/gm, "# "));
    assert.equal(run.status, 0, run.stderr);
    const launches = new Set(planGemmLaunches(await readPlanFile(planForThisGpu())).map(gemmKey));
    assert.match(run.stderr, new RegExp(`\\[${launches.size}/${launches.size}\\]`), "progress for every launch");
    await loadGemmAlgorithms(out, gemmMachine(firstGpu()));
    const table = GemmAlgorithmTableSchema.parse(JSON.parse(await readFile(out, "utf8")));
    assert.match(table.command, /^nanoweave tune --plan /);
    if (/ -> /.test(run.stderr)) assert.match(run.stderr, /in situ, .*: (planned|sequential) iteration/, "window winners tried in the plan's iterations");
    for (const entry of table.entries) {
      assert.ok(launches.has(gemmKey(entry)), `${gemmKey(entry)} is not a launch of the plan`);
      assert.ok(entry.timeUs < entry.defaultUs, `${gemmKey(entry)}: kept at ${entry.timeUs} us against cuBLAS's ${entry.defaultUs}`);
    }
  } finally {
    await rm(folder, { recursive: true, force: true });
  }
});

test("with a chosen algorithm for every GEMM the planned mode decodes what cuBLAS's picks decode", { skip: gpuSkip, timeout: 600_000 }, async () => {
  const gpu = firstGpu();
  const plan = await readPlanFile(planForThisGpu());
  // cuBLASLt's second pick for each launch (its first is often cuBLAS's own), so the table changes every GEMM.
  const entries = planGemmLaunches(plan).map((launch) => {
    const cublas = gpu.createCublas({ smCountTarget: launch.sms });
    try {
      const picks = cublas.algorithms({ m: launch.rows, n: launch.n, k: launch.k }, 2).filter((candidate) => candidate.fromHeuristic);
      const pick = picks[1] ?? picks[0]!;
      const { id, tile, stages, splitK, swizzle, cluster } = pick;
      return { n: launch.n, k: launch.k, rows: launch.rows, sms: launch.sms, beside: launch.beside, algorithm: pick.algorithm, config: { id, tile, stages, splitK, swizzle, cluster }, timeUs: 1, defaultUs: 1 };
    } finally {
      cublas.dispose();
    }
  });
  const table: GemmAlgorithmTable = { schema: GEMM_ALGORITHM_TABLE_SCHEMA, ...gemmMachine(gpu), createdAt: new Date().toISOString(), command: "test", entries };
  const folder = await mkdtemp(path.join(tmpdir(), "nanoweave-tune-"));
  const file = path.join(folder, "table.json");
  await writeFile(file, JSON.stringify(table));
  const runtimes = [
    await Runtime.create({ plan: planForThisGpu(), modes: ["planned"], maxContext: 64 }),
    await Runtime.create({ plan: planForThisGpu(), modes: ["planned"], maxContext: 64, gemmAlgorithms: file }),
  ];
  try {
    let requests = Array.from({ length: 200 }, (_, r) => ({ token: (r * 37 + 5) % TINY_SHAPE.vocab, position: 0, pages: [r] }));
    let worst = 0;
    for (let step = 0; step < 6; step++) {
      const [picked, chosen] = runtimes.map((runtime) => runtime.step(requests, { logits: true }));
      const differing = picked!.nextTokens.reduce((n, token, i) => n + (token !== chosen!.nextTokens[i] ? 1 : 0), 0);
      assert.ok(differing <= 2, `step ${step}: ${differing} tokens differ`);
      worst = Math.max(worst, relativeError(chosen!.logits!, picked!.logits!));
      requests = requests.map((request, r) => ({ ...request, token: picked!.nextTokens[r]!, position: request.position + 1 }));
    }
    console.log(`# ${entries.length} GEMM launches on chosen algorithms: logits within ${worst.toExponential(2)} of cuBLAS's picks`);
    assert.ok(worst < 2e-2, `logits differ by ${worst}`);
  } finally {
    for (const runtime of runtimes) runtime.dispose();
    await rm(folder, { recursive: true, force: true });
  }
});
