import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { foldIntoPeriod, timelineBoxes } from "../../planner/report/timeline.js";
import { planFixture } from "./plan-fixture.js";

describe("foldIntoPeriod", () => {
  it("keeps an op inside the period in one piece", () => {
    assert.deepEqual(foldIntoPeriod(100, 300, 1000), [{ fromUs: 100, toUs: 300, offsetUs: 0 }]);
  });

  it("places an op of a later layer at its start modulo the period", () => {
    assert.deepEqual(foldIntoPeriod(2100, 2300, 1000), [{ fromUs: 100, toUs: 300, offsetUs: 0 }]);
  });

  it("splits an op that runs past the period's end, the rest at the start", () => {
    assert.deepEqual(foldIntoPeriod(1900, 2150, 1000), [
      { fromUs: 900, toUs: 1000, offsetUs: 0 },
      { fromUs: 0, toUs: 150, offsetUs: 100 },
    ]);
  });

  it("leaves no sliver when an op ends exactly at the period", () => {
    assert.equal(foldIntoPeriod(940.4, 949.6, 949.6).length, 1);
    assert.deepEqual(foldIntoPeriod(949.6, 960, 949.6).map((p) => p.fromUs), [0]);
  });
});

describe("timelineBoxes", () => {
  it("makes one box per group and nano-batch, holding that group's kernels in order", () => {
    const plan = planFixture();
    const boxes = timelineBoxes(plan);
    const keys = boxes.map((b) => `${b.group}.${b.nanoBatch}`);
    assert.equal(new Set(keys).size, keys.length);
    assert.deepEqual(new Set(keys), new Set(plan.operations.map((op) => `${op.group}.${op.nanoBatch}`)));
    const ffn = boxes.find((b) => b.group === "ffn_in" && b.nanoBatch === 1)!;
    assert.deepEqual(ffn.kernels.map((k) => k.kind), ["rmsnorm", "gate_up_gemm", "silu_mul"]);
    assert.equal(ffn.startUs, ffn.kernels[0]!.startUs);
    assert.equal(ffn.endUs, ffn.kernels[2]!.endUs);
  });

  it("marks ops of the whole-GPU layout", () => {
    const boxes = timelineBoxes(planFixture());
    assert.ok(boxes.filter((b) => b.wholeGpu).every((b) => b.sms === 132 && b.layout === "whole"));
    assert.ok(boxes.some((b) => b.wholeGpu) && boxes.some((b) => !b.wholeGpu));
  });
});
