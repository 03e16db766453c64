/**
 * `nanoweave tune`: listed in --help, bad flags and files refused before any GPU is touched, naming
 * the flag or file, with exit code 2; without a GPU, exit code 1 naming the CUDA driver, and no table
 * written.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import { existsSync, mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { defaultTablePath } from "../../cli/commands/tune.js";
import { whyNoGpu } from "../support/driverPresence.js";
import { nanoweave } from "../support/cli.js";
import { tinyPlanPath } from "../support/tinyLlama.js";

test("tune is a command, and its help names every option", () => {
  assert.match(nanoweave("--help").stdout, /nanoweave tune\s+Measure the fastest cuBLASLt algorithm/);
  const help = nanoweave("tune", "--help");
  assert.equal(help.status, 0, help.stderr);
  for (const option of ["--plan", "--out", "--finalists", "--device"]) assert.match(help.stdout, new RegExp(`${option}\\b`), option);
});

test("the table goes beside the plan by default", () => {
  assert.equal(defaultTablePath("plans/llama-70b-h100.plan.json"), "plans/llama-70b-h100.gemm-algorithms.json");
  assert.equal(defaultTablePath("plan-h100.json"), "plan-h100.gemm-algorithms.json");
});

const plan = tinyPlanPath("h100");
const badInput: { args: string[]; stderr: RegExp }[] = [
  { args: [], stderr: /Missing required argument: plan/ },
  { args: ["--plan", plan, "--finalists", "0"], stderr: /--finalists must be a positive integer, got 0 \(at: --finalists\)/ },
  { args: ["--plan", plan, "--device", "-1"], stderr: /--device must be a GPU ordinal \(0, 1, \.\.\.\), got -1/ },
  { args: ["--plan", "no-such-plan.json"], stderr: /cannot read no-such-plan\.json: no such file/ },
  { args: ["--plan", path.join(path.dirname(plan), "config.json")], stderr: /config\.json.*nanoweave plan/s },
  { args: ["--plan", plan, "--out", "/no/such/folder/table.json"], stderr: /cannot write \/no\/such\/folder\/table\.json: its folder does not exist/ },
];

for (const { args, stderr } of badInput) {
  test(`tune ${args.join(" ").replace(/\S*fixtures\//g, "") || "without --plan"}: exit code 2 and the reason`, () => {
    const run = nanoweave("tune", ...args);
    assert.equal(run.status, 2, run.stderr);
    assert.match(run.stderr, stderr);
  });
}

const noGpu = whyNoGpu();
test("without a GPU: exit code 1, the missing driver named, no table written", { skip: noGpu === undefined ? "a GPU is present (test/gpu/tune.test.ts tunes on it)" : false }, () => {
  const out = path.join(mkdtempSync(path.join(tmpdir(), "nanoweave-tune-")), "table.json");
  const run = nanoweave("tune", "--plan", plan, "--out", out);
  assert.equal(run.status, 1, run.stderr);
  assert.match(run.stderr, /CUDA driver \(libcuda\.so\.1 or libcuda\.so\) could not be loaded/);
  assert.equal(existsSync(out), false);
});
