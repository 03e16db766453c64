/** `nanoweave profile` through the real CLI: bad input exits 2 before any GPU is touched; no GPU exits 1. */
import { test } from "node:test";
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { existsSync } from "node:fs";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { CLI_ENTRY } from "../support/repository.js";
import { whyNoGpu } from "../support/driverPresence.js";

function profile(args: string[], env: NodeJS.ProcessEnv = {}) {
  return spawnSync(process.execPath, [CLI_ENTRY, "profile", ...args], { encoding: "utf8", env: { ...process.env, ...env }, timeout: 60_000 });
}

test("an unknown --only section is refused with exit 2, naming the valid ones", () => {
  const run = profile(["--only", "gemm,allreduces"]);
  assert.equal(run.status, 2, run.stderr);
  assert.match(run.stderr, /^error: --only: unknown section "allreduces"; valid sections are gemm, attention, elementwise, allreduce, attention-interference, allreduce-interference, allreduce-attention-interference, peer-allreduce, lane-switch, sustained-load, interference/);
});

test("a malformed --devices list is refused with exit 2", () => {
  for (const [devices, message] of [["0,x", /"x" is not one/], ["1,1", /names GPU 1 twice/]] as const) {
    const run = profile(["--devices", devices]);
    assert.equal(run.status, 2, run.stderr);
    assert.match(run.stderr, message);
  }
});

test("without a GPU the command says so, exits 1 and writes nothing", { skip: whyNoGpu() === undefined && "a GPU is usable here" }, async () => {
  const folder = await mkdtemp(join(tmpdir(), "nanoweave-profile-cli-"));
  try {
    const out = join(folder, "profile.json");
    const run = profile(["--out", out, "--quick"], { LD_LIBRARY_PATH: "/opt/nanoweave-test-no-such-dir" });
    assert.equal(run.status, 1, run.stderr);
    assert.match(run.stderr, /^error: nanoweave profile needs a GPU, but no CUDA driver \(libcuda\.so\.1\) was found; `nanoweave doctor` lists every place searched/);
    assert.equal(existsSync(out), false);
  } finally {
    await rm(folder, { recursive: true, force: true });
  }
});

test("without the addon built, the command says how to build it", () => {
  const run = profile(["--quick"], { NANOWEAVE_ADDON_PATH: "/nonexistent/nanoweave.node" });
  assert.equal(run.status, 1);
  assert.match(run.stderr, /needs the native addon: .*npm run build:native/);
});
