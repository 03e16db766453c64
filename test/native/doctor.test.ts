/** `nanoweave doctor` through the real CLI, as a user runs it. */
import { test } from "node:test";
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { CLI_ENTRY } from "../support/repository.js";
import { whyNoGpu } from "../support/driverPresence.js";
import type { SystemReport } from "../../runtime/gpu/systemReport.js";

function doctor(args: string[], env: NodeJS.ProcessEnv = {}) {
  return spawnSync(process.execPath, [CLI_ENTRY, "doctor", ...args], { encoding: "utf8", env: { ...process.env, ...env }, timeout: 60_000 });
}

const noGpu = whyNoGpu();

test("without a CUDA driver, doctor prints the report, names the paths searched and exits 1", { skip: noGpu === undefined && "a GPU is usable here" }, () => {
  const run = doctor([], { LD_LIBRARY_PATH: "/opt/nanoweave-test-no-such-dir" });
  assert.equal(run.status, 1, run.stderr);
  assert.match(run.stdout, /^CUDA driver\s+MISSING$/m);
  assert.match(run.stdout, /\/opt\/nanoweave-test-no-such-dir\/libcuda\.so\.1 \(not found\)/);
  assert.match(run.stdout, /libcuda\.so\.1 via the system loader/);
  assert.match(run.stdout, /^problems:\n {2}CUDA driver not found/m);
  assert.match(run.stderr, /^error: the runtime cannot use this machine: CUDA driver not found/);
});

test("doctor --json prints the same report as JSON on stdout only", () => {
  const run = doctor(["--json"]);
  const report = JSON.parse(run.stdout) as SystemReport;
  assert.equal(report.addon.loaded, true);
  assert.deepEqual(report.libraries.map((library) => library.name), ["cuda", "cublas", "nccl", "nvrtc", "nvml", "cupti"]);
  assert.equal(run.status, report.problems.length === 0 ? 0 : 1);
  if (noGpu !== undefined) {
    const driver = report.libraries[0]!;
    assert.equal(driver.available, false);
    assert.ok(driver.searched!.length > 0);
    assert.deepEqual(report.gpus, []);
  }
});

test("with a GPU, doctor lists each GPU with its SMs, memory, compute capability, green-context granularity and split", { skip: noGpu }, () => {
  const run = doctor([]);
  const report = JSON.parse(doctor(["--json"]).stdout) as SystemReport;
  assert.ok(report.gpus.length > 0);
  for (const gpu of report.gpus) {
    assert.match(run.stdout, new RegExp(`GPU ${gpu.ordinal}\\s+${gpu.name}`));
    assert.match(run.stdout, new RegExp(`SMs ${gpu.smCount}, memory [0-9.]+ GiB, compute capability ${gpu.computeCapability.major}\\.${gpu.computeCapability.minor}`));
    assert.match(run.stdout, /green contexts: (yes|no)/);
    if (gpu.greenContexts.supported) assert.match(run.stdout, new RegExp(`; ${gpu.greenContexts.groupCount} groups of ${gpu.greenContexts.groupSms} SMs and ${gpu.greenContexts.leftoverSms} left over`));
  }
  assert.match(run.stdout, /^CUDA driver\s+(driver [0-9.]+, )?supports CUDA \d+\.\d/m);
  assert.match(run.stdout, /^NVML {9}\d+\.[0-9.]+ {2}\(\S*libnvidia-ml\.so/m);
  assert.match(run.stdout, /^CUPTI {8}13\.\d+ \(API 13\d{4}\) {2}\(\S*libcupti\.so/m);
  for (const gpu of report.gpus) assert.ok(gpu.powerLimitWatts! > 0, `GPU ${gpu.ordinal}: power limit ${gpu.powerLimitWatts}`);
  assert.match(run.stdout, /, power limit \d+ W$/m);
});

test("without the addon built, doctor says how to build it and exits 1", () => {
  const run = doctor([], { NANOWEAVE_ADDON_PATH: "/nonexistent/nanoweave.node" });
  assert.equal(run.status, 1);
  assert.match(run.stdout, /npm run build:native/);
  assert.match(run.stdout, /needs g\+\+ and CMake/);
});
