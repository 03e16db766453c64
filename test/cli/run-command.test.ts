/**
 * `nanoweave run`'s choice of all-reduce: listed in --help with its choices, an unknown one refused
 * before any GPU is touched with exit code 2, and the same refusal from Runtime.create; the GPUs a
 * plan's ranks need, all of them unless the hold stand-in runs its first ranks alone.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import { Runtime } from "../../runtime/Runtime.js";
import { nanoweave } from "../support/cli.js";
import { tinyTp2PlanPath } from "../support/tinyLlama.js";

test("run's help names the all-reduce choices", () => {
  const help = nanoweave("run", "--help");
  assert.equal(help.status, 0, help.stderr);
  assert.match(help.stdout, /--all-reduce\b[\s\S]*\[choices: "nccl", "peer", "hold"\]/);
  assert.match(help.stdout.replace(/\s+/g, " "), /hold, for timing only: each sum replaced by a kernel holding the same SMs for the plan's predicted time of it/);
});

test("an unknown all-reduce is refused, naming the flag and its choices, before any GPU work", async () => {
  const result = nanoweave("run", "--plan", tinyTp2PlanPath("h200"), "--all-reduce", "gloo");
  assert.equal(result.status, 2, result.stderr);
  assert.match(result.stderr, /all-reduce.*gloo.*nccl.*peer/s);
  await assert.rejects(Runtime.create({ plan: tinyTp2PlanPath("h200"), allReduce: "gloo" as never }), { name: "TypeError", message: "Expected allReduce among nccl, peer, hold but received gloo" });
});

test("a tensor-parallel plan needs a GPU for every rank; with the hold stand-in, 1 to all of them", async () => {
  const plan = tinyTp2PlanPath("h200");
  await assert.rejects(Runtime.create({ plan, devices: [0] }), { name: "TypeError", message: /^Expected 2 devices for the plan .* \(tensor parallel over 2 GPUs\) but received 1: \[0\]$/ });
  await assert.rejects(Runtime.create({ plan, devices: [0, 1, 2], allReduce: "hold" }), { name: "TypeError", message: /^Expected 1 to 2 devices for the plan .* but received 3: \[0, 1, 2\]$/ });
  await assert.rejects(Runtime.create({ plan, devices: [], allReduce: "hold" }), { name: "TypeError", message: /^Expected 1 to 2 devices for the plan .* but received 0: \[\]$/ });
});
