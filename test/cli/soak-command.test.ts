/** `nanoweave soak`: listed in --help, and bad flags refused before any GPU is touched, naming the flag, with exit code 2. */
import { test } from "node:test";
import assert from "node:assert/strict";
import { nanoweave } from "../support/cli.js";
import { tinyPlanPath } from "../support/tinyLlama.js";

test("soak is a command, and its help names every option", () => {
  assert.match(nanoweave("--help").stdout, /nanoweave soak\s+Endurance check/);
  const help = nanoweave("soak", "--help");
  assert.equal(help.status, 0, help.stderr);
  for (const option of ["--plan", "--iterations", "--mode", "--sample-every", "--devices", "--weights", "--max-rss-growth-mib", "--json"]) assert.match(help.stdout, new RegExp(`${option}\\b`), option);
});

const plan = tinyPlanPath("h100");
const badFlags: { args: string[]; stderr: RegExp }[] = [
  { args: [], stderr: /Missing required argument: plan/ },
  { args: ["--plan", plan, "--iterations", "0"], stderr: /--iterations must be a positive integer, got 0/ },
  { args: ["--plan", plan, "--sample-every", "2.5"], stderr: /--sample-every must be a positive integer, got 2\.5/ },
  { args: ["--plan", plan, "--mode", "fast"], stderr: /unknown mode fast; modes are planned, sequential, streams \(at: --mode\)/ },
  { args: ["--plan", plan, "--max-rss-growth-mib", "-1"], stderr: /--max-rss-growth-mib must be a number of MiB, 0 or more, got -1/ },
  { args: ["--plan", plan, "--devices", "0,x"], stderr: /--devices must be comma-separated GPU ordinals, got 0,x/ },
  // soak runs step(), which needs the ranks' sums: the timing stand-in is run's alone.
  { args: ["--plan", plan, "--all-reduce", "hold"], stderr: /all-reduce[\s\S]*hold[\s\S]*"nccl", "peer"/ },
];

for (const { args, stderr } of badFlags) {
  test(`soak ${args.slice(2).join(" ") || "without --plan"}: exit code 2 and the reason`, () => {
    const run = nanoweave("soak", ...args);
    assert.equal(run.status, 2, run.stderr);
    assert.match(run.stderr, stderr);
  });
}
