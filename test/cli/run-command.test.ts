/**
 * `nanoweave run`'s choice of all-reduce: listed in --help with its choices, an unknown one refused
 * before any GPU is touched with exit code 2, and the same refusal from Runtime.create.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import { Runtime } from "../../runtime/Runtime.js";
import { nanoweave } from "../support/cli.js";
import { tinyTp2PlanPath } from "../support/tinyLlama.js";

test("run's help names the all-reduce choices", () => {
  const help = nanoweave("run", "--help");
  assert.equal(help.status, 0, help.stderr);
  assert.match(help.stdout, /--all-reduce\b[\s\S]*\[choices: "nccl", "peer"\]/);
});

test("an unknown all-reduce is refused, naming the flag and its choices, before any GPU work", async () => {
  const result = nanoweave("run", "--plan", tinyTp2PlanPath("h200"), "--all-reduce", "gloo");
  assert.equal(result.status, 2, result.stderr);
  assert.match(result.stderr, /all-reduce.*gloo.*nccl.*peer/s);
  await assert.rejects(Runtime.create({ plan: tinyTp2PlanPath("h200"), allReduce: "gloo" as never }), { name: "TypeError", message: "Expected allReduce among nccl, peer but received gloo" });
});
