import { test } from "node:test";
import assert from "node:assert/strict";
import { COOL_REMEASURES, measureCool, type LimiterPacing } from "../../planner/profiling/gpu/limiter-pacing.js";

/** A limiter that holds the clocks during the measurements listed (0 = the first), and records what ran. */
function limiter(heldDuring: readonly number[] | "unreadable"): { pacing: LimiterPacing; log: string[]; measure: () => number } {
  const log: string[] = [];
  let heldNs = 0;
  let measurements = 0;
  return {
    log,
    pacing: {
      heldNs: () => (heldDuring === "unreadable" ? undefined : heldNs),
      coolDown: () => void log.push("cool down"),
    },
    measure: () => {
      const index = measurements++;
      if (heldDuring !== "unreadable" && heldDuring.includes(index)) heldNs += 1000;
      log.push(`measure ${index}`);
      return 100 + index;
    },
  };
}

test("a point the power limiter did not touch is measured once", () => {
  const { pacing, log, measure } = limiter([]);
  assert.deepEqual(measureCool(pacing, measure), { value: 100, remeasured: 0 });
  assert.deepEqual(log, ["measure 0"]);
});

test("a point the limiter held is measured again after a cool-down, and the cool measurement is kept", () => {
  const { pacing, log, measure } = limiter([0]);
  assert.deepEqual(measureCool(pacing, measure), { value: 101, remeasured: 1 });
  assert.deepEqual(log, ["measure 0", "cool down", "measure 1"]);
});

test("a point the limiter holds every time is measured a bounded number of times, the last kept", () => {
  const { pacing, log, measure } = limiter([0, 1, 2, 3, 4]);
  assert.deepEqual(measureCool(pacing, measure), { value: 100 + COOL_REMEASURES, remeasured: COOL_REMEASURES });
  assert.equal(log.filter((entry) => entry.startsWith("measure")).length, 1 + COOL_REMEASURES);
  assert.equal(log.filter((entry) => entry === "cool down").length, COOL_REMEASURES);
});

test("without a reading of the limiter (no NVML), a point is measured once, as before", () => {
  const { pacing, log, measure } = limiter("unreadable");
  assert.deepEqual(measureCool(pacing, measure), { value: 100, remeasured: 0 });
  assert.deepEqual(log, ["measure 0"]);
});
