/**
 * `nanoweave run`'s choice of all-reduce: listed in --help with its choices, an unknown one refused
 * before any GPU is touched with exit code 2, and the same refusal from Runtime.create.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { Runtime } from "../../runtime/Runtime.js";
import { CLI_ENTRY } from "../support/repository.js";
import { tinyTp2PlanPath } from "../support/tinyLlama.js";

function nanoweave(...args: string[]): { status: number | null; stdout: string; stderr: string } {
  const result = spawnSync(process.execPath, [CLI_ENTRY, ...args], { encoding: "utf8" });
  return { status: result.status, stdout: result.stdout, stderr: result.stderr };
}

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
