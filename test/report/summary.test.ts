import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { formatPlanJsonSummary, formatPlanSummary } from "../../planner/report/summary.js";
import { planFixture } from "./plan-fixture.js";

describe("formatPlanSummary", () => {
  const plan = planFixture();
  const text = formatPlanSummary(plan, { requestedModel: "llama-70b", planFile: "out/llama.plan.json" });
  const lines = text.split("\n");
  const line = (start: string): string => lines.find((l) => l.startsWith(start)) ?? assert.fail(`no line starting ${JSON.stringify(start)}`);

  it("states what was planned and from which profile", () => {
    assert.equal(line("model"), "model         Llama-2-70B (asked for llama-70b)");
    assert.match(line("parallelism"), /tensor-parallel over 8 GPUs/);
    assert.match(line("GPU"), /H100 SXM: 132 SMs, 79\.7 GiB/);
    assert.match(line("profile"), /measured, profiles\/H100-SXM\.json \(NVIDIA H100 80GB HBM3, 2026-06-01\)/);
    assert.match(line("note"), /all-reduce over 8 GPUs extrapolated/);
    assert.match(line("plan file"), /out\/llama\.plan\.json/);
  });

  it("says when the profile was derived from the GPU's specs", () => {
    const analytic = planFixture();
    analytic.profile = { ...analytic.profile, source: "analytic", path: null };
    assert.match(formatPlanSummary(analytic), /^profile +analytic, derived from specs/m);
  });

  it("gives the dense batch, its memory, the nano-batches and the SM layouts", () => {
    assert.match(line("dense batch"), /2,048 tokens: 683 decode \(mean context 1,280\) \+ 1,365 prefill \(mean context 512\), 683 requests/);
    assert.match(line("memory"), /KV cache 40\.0 GiB, free 16\.4 GiB/);
    assert.match(line("nano-batches"), /4: 512 \+ 512 \+ 512 \+ 512 tokens \(granule 128\)/);
    assert.ok(lines.includes("SM layout     split: compute 108 | memory 8 | network 16 (36 of 48 ops)"), text);
    assert.ok(lines.includes("SM layout     whole: all 132 SMs to one op at a time (12 of 48 ops)"), text);
  });

  it("tabulates plan, sequential and lower bound in aligned columns with units", () => {
    const header = line("prediction");
    const rows = lines.slice(lines.indexOf(header) + 1, lines.indexOf(header) + 4);
    assert.match(rows[0]!, /^plan +949\.6 µs +76\.98 ms +3,326 +1\.35× +59\.7%$/);
    assert.match(rows[1]!, /^sequential +1,281\.1 µs +102\.85 ms +2,489$/);
    // The bound's tokens/s follow from its iteration time: 3,325.5 × 76,980.9 / 45,929.1.
    assert.match(rows[2]!, /^lower bound +569\.7 µs +45\.93 ms +5,574$/);
    for (const [column, end] of [["layer", "µs"], ["iteration", "ms"]] as const) {
      const right = header.indexOf(column) + column.length;
      for (const row of rows) assert.equal(row.indexOf(end, right - 2) + end.length, right, `${column} column of ${JSON.stringify(row)}`);
    }
  });

  it("reports the solve and every nano-batch count tried", () => {
    assert.equal(line("solver"), "solver  highs: optimal, objective 949.6 µs, bound 946.1 µs, gap 0.37%, 1.40 s of 8.00 s allowed");
    assert.ok(!text.includes("timed at each nano-batch's own durations"), "an even plan's layer is the objective");
    const retimed = planFixture();
    retimed.periodUs = 930.2;
    assert.match(formatPlanSummary(retimed), /^the plan's layer, 930\.2 µs, is the solver's order timed at each nano-batch's own durations/m);
    const counts = lines.slice(lines.indexOf(line("nano-batches  status")) + 1).filter((l) => l.trim() !== "");
    assert.equal(counts.length, plan.solver.nanoBatchCounts.length);
    assert.match(counts[3]!, /^ +4 +optimal +949\.6 µs +946\.1 µs +0\.63 s +← chosen$/);
    assert.match(counts[4]!, /^ +5 +not_divisible +– +– +0\.00 s$/);
  });

  it("says when the last nano-batch is smaller, and where --batch auto sized the batch, that --batch best also tries even cuts", () => {
    const uneven = planFixture();
    uneven.nanoBatches[3]!.rows = [1536, 1792];
    const row = (p: typeof plan) => formatPlanSummary(p).split("\n").find((l) => l.startsWith("nano-batches"))!;
    assert.match(row(uneven), /4: 512 \+ 512 \+ 512 \+ 256 tokens \(granule 128\); cut unevenly$/);
    uneven.batch.auto = true;
    assert.match(row(uneven), /cut unevenly: --batch best also plans sizes cut evenly$/);
    uneven.batch.candidates = [{ tokens: 1792, status: "optimal", nanoBatches: 4, layerUs: 900, tokensPerSecondPerGpu: 3000 }];
    assert.match(row(uneven), /cut unevenly$/);
    assert.doesNotMatch(line("nano-batches"), /unevenly/);
  });

  it("lists each dense batch size --batch best planned, marking the chosen one", () => {
    const best = planFixture();
    best.batch.auto = true;
    best.batch.candidates = [
      { tokens: 2304, status: "optimal", nanoBatches: 3, layerUs: 1100.5, tokensPerSecondPerGpu: 3100.2 },
      { tokens: 2048, status: "optimal", nanoBatches: 4, layerUs: 949.6, tokensPerSecondPerGpu: 3325.5 },
      { tokens: 1536, status: "no_better", nanoBatches: null, layerUs: null, tokensPerSecondPerGpu: null },
    ];
    const text = formatPlanSummary(best);
    assert.match(text, /^dense batch +2,048 tokens \(best: the most tokens\/s of 3 sizes up to the 2,304 that fit\)/m);
    assert.match(text, /^ +2,304 +optimal +3 +1,100\.5 µs +3,100 *$/m);
    assert.match(text, /^ +2,048 +optimal +4 +949\.6 µs +3,326 +← chosen$/m);
    assert.match(text, /^ +1,536 +no_better +– +– +– *$/m);
    assert.deepEqual(formatPlanJsonSummary(best).batch.candidates, best.batch.candidates);
  });

  it("warns when the time limit ran out", () => {
    const limited = planFixture();
    limited.solver.status = "time_limit";
    assert.match(formatPlanSummary(limited), /time limit ran out: this is the best plan found, not proven optimal/);
  });

  it("uses color only when asked", () => {
    assert.doesNotMatch(text, /\x1b\[/);
    const colored = formatPlanSummary(plan, { color: true });
    assert.match(colored, /\x1b\[32moptimal\x1b\[39m/);
    assert.equal(colored.replace(/\x1b\[\d+m/g, ""), formatPlanSummary(plan));
  });

  it("ends with a newline and leaves out what was not given", () => {
    assert.ok(text.endsWith("\n") && !text.endsWith("\n\n"));
    const plain = formatPlanSummary(plan);
    assert.doesNotMatch(plain, /asked for|plan file/);
  });
});

describe("formatPlanJsonSummary", () => {
  it("gives scripts the key figures in the plan's units", () => {
    const plan = planFixture();
    const summary = formatPlanJsonSummary(plan, { requestedModel: "llama-70b", planFile: "p.json" });
    assert.deepEqual(JSON.parse(JSON.stringify(summary)), {
      model: "Llama-2-70B",
      requestedModel: "llama-70b",
      tensorParallel: 8,
      allReduce: "nccl",
      gpu: "H100 SXM",
      profile: { source: "measured", path: "profiles/H100-SXM.json" },
      batch: { tokens: 2048, decodeTokens: 683, prefillTokens: 1365, requests: 683 },
      nanoBatches: { count: 4, sizes: [512, 512, 512, 512] },
      layouts: [
        { id: "whole", sms: { compute: 132 } },
        { id: "split", sms: { compute: 108, memory: 8, network: 16 } },
      ],
      layerUs: 949.6,
      iterationUs: 76980.9,
      tokensPerSecondPerGpu: 3325.5,
      sequential: { layerUs: 1281.1, iterationUs: 102845.1, tokensPerSecondPerGpu: 2489.2 },
      lowerBound: { layerUs: 569.7, iterationUs: 45929.1 },
      speedupOverSequential: 1.349,
      percentOfLowerBound: 59.7,
      solver: { backend: "highs", status: "optimal", objectiveUs: 949.6, boundUs: 946.1, gap: 0.0037, seconds: 1.4 },
      notes: ["all-reduce over 8 GPUs extrapolated from the profile's 2- and 4-GPU tables"],
      planFile: "p.json",
    });
  });

  it("has no alias or plan file keys unless given", () => {
    const summary = formatPlanJsonSummary(planFixture());
    assert.ok(!("requestedModel" in summary) && !("planFile" in summary));
  });
});
