import { test } from "node:test";
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { readPlanFile } from "../../planner/plan/plan-file.js";
import { replayViolations } from "../../planner/plan/replay.js";

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../../..");
const cli = path.join(root, "dist/cli/main.js");
const fixture = (...parts: string[]): string => path.join(root, "test/fixtures", ...parts);

function nanoweave(...args: string[]): { status: number | null; stdout: string; stderr: string; seconds: number } {
  const started = performance.now();
  const result = spawnSync(process.execPath, [cli, ...args], { cwd: mkdtempSync(path.join(os.tmpdir(), "nw-cwd-")), encoding: "utf8" });
  return { status: result.status, stdout: result.stdout, stderr: result.stderr, seconds: (performance.now() - started) / 1000 };
}

test("plan --model llama-70b --gpus 8: plan file, timeline and summary in under 10 s, solved optimally", async () => {
  const dir = mkdtempSync(path.join(os.tmpdir(), "nw-plan-"));
  const out = path.join(dir, "plan.json");
  const gantt = path.join(dir, "plan.svg");
  const run = nanoweave("plan", "--model", "llama-70b", "--gpus", "8", "--out", out, "--gantt", gantt, "--quiet");
  assert.equal(run.status, 0, run.stderr);
  assert.ok(run.seconds < 10, `took ${run.seconds.toFixed(1)} s`);
  assert.match(run.stdout, /Llama-2-70B/);
  const plan = await readPlanFile(out);
  assert.equal(plan.tensorParallel, 8);
  // Named by its place in the package, not where this checkout or install put it, so plans from two machines agree.
  assert.equal(plan.profile.path, "nanoweave/profiles/H100-SXM.json");
  assert.equal(plan.solver.status, "optimal");
  assert.ok(plan.solver.gap <= 0.01);
  assert.deepEqual(replayViolations(plan), []);
  assert.match(readFileSync(gantt, "utf8"), /^<svg[\s\S]*<\/svg>\s*$/);
});

test("plan writes its files beside the working directory by default and --json prints figures for scripts", () => {
  const run = nanoweave("plan", "--model", "llama3-8b", "--json", "--quiet");
  assert.equal(run.status, 0, run.stderr);
  const summary = JSON.parse(run.stdout) as { planFile: string; ganttFile: string };
  assert.equal(summary.planFile, "llama-3-8b-tp1-h100-sxm.plan.json");
  assert.equal(summary.ganttFile, "llama-3-8b-tp1-h100-sxm.svg");
});

test("plan --all-reduce-method peer plans 4 H200s from the shipped profile's peer measurements and says so", () => {
  const run = nanoweave("plan", "--model", "llama-70b", "--gpus", "4", "--gpu", "h200", "--layers", "8", "--all-reduce-method", "peer", "--json", "--quiet", "--no-gantt");
  assert.equal(run.status, 0, run.stderr);
  const summary = JSON.parse(run.stdout) as { allReduce: string; tensorParallel: number };
  assert.deepEqual([summary.allReduce, summary.tensorParallel], ["peer", 4]);
});

test("plan --batch best prints each dense batch size it planned and keeps the one with the most tokens/s", () => {
  const run = nanoweave("plan", "--model", "llama3-8b", "--gpu", "h200", "--workload", "decode-1024", "--batch", "best", "--json", "--no-gantt");
  assert.equal(run.status, 0, run.stderr);
  assert.match(run.stderr, /dense batch 896 tokens \(1 of 4\):/);
  const summary = JSON.parse(run.stdout) as { batch: { tokens: number; candidates: { tokens: number; tokensPerSecondPerGpu: number | null }[] }; tokensPerSecondPerGpu: number };
  assert.deepEqual(summary.batch.candidates.map((c) => c.tokens), [896, 768, 640, 512]);
  const rates = summary.batch.candidates.map((c) => c.tokensPerSecondPerGpu ?? 0);
  assert.equal(summary.tokensPerSecondPerGpu, Math.max(...rates));
  assert.equal(summary.batch.tokens, summary.batch.candidates[rates.indexOf(Math.max(...rates))]!.tokens);
});

const badInputs: { name: string; args: string[]; stderr: RegExp }[] = [
  { name: "a --batch that is neither tokens nor a sizing", args: ["--model", "llama3-8b", "--batch", "most"], stderr: /--batch must be a positive number of tokens, "auto" or "best", got "most"/ },
  { name: "an unknown model lists the known ones", args: ["--model", "llama-999b"], stderr: /unknown model[\s\S]*Llama-2-70B[\s\S]*llama-70b/i },
  { name: "a --gpus that does not divide the heads", args: ["--model", "llama-70b", "--gpus", "3"], stderr: /does not divide .* 64 attention heads/ },
  { name: "a mixture-of-experts model", args: ["--model", "mixtral-8x7b", "--gpus", "2"], stderr: /mixture-of-experts/ },
  { name: "too few GPUs for the weights", args: ["--model", "llama-405b", "--gpus", "1"], stderr: /GiB missing; raise --gpus/ },
  { name: "a batch that is not a multiple of the granule", args: ["--model", "llama3-8b", "--batch", "1000"], stderr: /multiple of the granule/ },
  { name: "a malformed model config names the file and field", args: ["--model", fixture("config", "wrong-type.json")], stderr: /wrong-type\.json/ },
  {
    name: "a malformed profile names the file and fields",
    args: ["--model", "llama3-8b", "--profile", fixture("plan", "incomplete-profile.json")],
    stderr: /incomplete-profile\.json: provenance\.sms[\s\S]*incomplete-profile\.json: elementwise/,
  },
  { name: "an unwritable output path", args: ["--model", "llama3-8b", "--out", "/nonexistent-folder/plan.json"], stderr: /cannot write .*folder does not exist/ },
  {
    name: "an all-reduce method the profile has not measured, saying how to measure it",
    args: ["--model", "llama-70b", "--gpus", "4", "--gpu", "a100", "--all-reduce-method", "peer"],
    stderr: /--all-reduce-method peer: the profile derived from A100-80GB SXM's specs has no peer all-reduce measurements[\s\S]*`nanoweave profile --devices 0,1,2,3`/,
  },
  {
    name: "the shipped profile without peer measurements, saying to merge them into a copy of it",
    args: ["--model", "llama-70b", "--gpus", "4", "--gpu", "h100", "--all-reduce-method", "peer"],
    stderr: /nanoweave\/profiles\/H100-SXM\.json has no peer all-reduce measurements[\s\S]*`cp \S+\/profiles\/H100-SXM\.json H100-SXM\.json && nanoweave profile [^`]*--merge --out H100-SXM\.json`, then plan with --profile H100-SXM\.json/,
  },
  { name: "an unknown all-reduce method, naming the choices", args: ["--model", "llama-70b", "--gpus", "4", "--all-reduce-method", "gloo"], stderr: /all-reduce-method[\s\S]*"nccl", "peer"/ },
  { name: "an unknown option", args: ["--model", "llama3-8b", "--gpuz", "2"], stderr: /Unknown argument/ },
  { name: "a missing --model, without running the command", args: [], stderr: /^error: Missing required argument: model\nRun with --help to see the options\.\n$/ },
];

for (const bad of badInputs) {
  test(`plan refuses ${bad.name} with exit code 2`, () => {
    const run = nanoweave("plan", ...bad.args, "--quiet");
    assert.equal(run.status, 2, `stdout: ${run.stdout}\nstderr: ${run.stderr}`);
    assert.match(run.stderr, bad.stderr);
  });
}

test("plan --help documents the options", () => {
  const run = nanoweave("plan", "--help");
  assert.equal(run.status, 0);
  for (const option of ["--model", "--gpus", "--gpu", "--workload", "--batch", "--profile", "--solver", "--all-reduce-method", "--gantt", "--json"]) {
    assert.ok(run.stdout.includes(option), option);
  }
  assert.ok(existsSync(cli));
});

test("a solve stopped by its time limit keeps the best plan found, marks it and says so", async () => {
  const dir = mkdtempSync(path.join(os.tmpdir(), "nw-plan-"));
  const out = path.join(dir, "plan.json");
  const run = nanoweave("plan", "--model", "llama-70b", "--gpus", "8", "--time-limit", "0.3", "--out", out, "--no-gantt", "--quiet");
  assert.equal(run.status, 0, run.stderr);
  const plan = await readPlanFile(out);
  assert.equal(plan.solver.status, "time_limit");
  assert.match(run.stderr, /reached its 0\.3 s limit; the plan is the best found/);
  assert.ok(plan.prediction.layerUs <= plan.prediction.sequential.layerUs);
  assert.deepEqual(replayViolations(plan), []);
});
