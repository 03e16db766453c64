import { test } from "node:test";
import assert from "node:assert/strict";
import { sequentialSchedule, type Schedule, type ScheduleProblem } from "../../planner/schedule/problem.js";
import { retimeSchedule } from "../../planner/schedule/retime.js";
import { laneSwitchUs } from "../support/exhaustive-schedule.js";
import { tinyProblem } from "../support/tiny-problems.js";
import { solveOptimally } from "../support/solve-schedule.js";

const LAYERS = 4;
const EPSILON_US = 1e-3;

/**
 * Every way `schedule`, repeated over a few layers a period apart, breaks the problem's rules:
 * a dependency (lane switch included) not met, or two ops that must not overlap overlapping
 * (one stream, or either alone on the whole GPU, with the switch between them).
 */
function violations(problem: ScheduleProblem, schedule: Schedule): string[] {
  const out: string[] = [];
  const stream = (group: number) => problem.groups[group]!.stream;
  const instances = Array.from({ length: LAYERS }, (_, layer) =>
    schedule.operations.map((op) => ({ op, layer, start: op.startUs + layer * schedule.periodUs, end: op.startUs + op.durationUs + layer * schedule.periodUs })),
  ).flat();
  const find = (group: number, nanoBatch: number, layer: number) => instances.find((i) => i.op.group === group && i.op.nanoBatch === nanoBatch && i.layer === layer);
  const last = problem.groups.length - 1;
  for (const v of instances) {
    const parents = [
      ...problem.edges.filter((e) => e.to === v.op.group).map((e) => find(e.from, v.op.nanoBatch, v.layer)),
      ...(v.op.group === 0 ? [find(last, v.op.nanoBatch, v.layer - 1)] : []),
    ];
    for (const u of parents) {
      if (!u) continue;
      const gap = laneSwitchUs(problem.laneSwitch, stream(u.op.group) === stream(v.op.group), u.op.wholeGpu, v.op.wholeGpu);
      if (v.start < u.end + gap - EPSILON_US) out.push(`group ${v.op.group}/${v.op.nanoBatch}@${v.layer} starts before group ${u.op.group} ends`);
    }
  }
  for (const [a, u] of instances.entries()) {
    for (const v of instances.slice(a + 1)) {
      if (stream(u.op.group) !== stream(v.op.group) && !u.op.wholeGpu && !v.op.wholeGpu) continue;
      const gap = u.op.wholeGpu !== v.op.wholeGpu ? (problem.laneSwitch?.wholeGpuUs ?? 0) : 0;
      if (u.start < v.end + gap - EPSILON_US && v.start < u.end + gap - EPSILON_US) {
        out.push(`group ${u.op.group}/${u.op.nanoBatch}@${u.layer} and group ${v.op.group}/${v.op.nanoBatch}@${v.layer} overlap`);
      }
    }
  }
  return out;
}

const laneSwitch = { crossLaneUs: 3, wholeGpuUs: 9 };

for (const seed of [1, 2, 3, 4]) {
  test(`timed again with its order kept, an evenly cut schedule keeps the rules and is never slower: seed ${seed}`, async () => {
    for (const problem of [tinyProblem(seed, 6), { ...tinyProblem(seed, 6), laneSwitch }]) {
      for (const K of [2, 3]) {
        const schedule = await solveOptimally(problem, K);
        const timed = retimeSchedule(problem, schedule);
        assert.deepEqual(violations(problem, timed), []);
        assert.ok(timed.periodUs <= schedule.periodUs + EPSILON_US, `K=${K}: ${timed.periodUs} timed, ${schedule.periodUs} solved`);
        assert.deepEqual(timed.operations.map((o) => [o.group, o.nanoBatch, o.wholeGpu, o.sms]), schedule.operations.map((o) => [o.group, o.nanoBatch, o.wholeGpu, o.sms]));
      }
    }
  });

  test(`a smaller last nano-batch no longer keeps the largest one's slot: seed ${seed}`, async () => {
    // 5 granules in 2 (3 + 2) and 7 in 3 (3 + 3 + 1).
    for (const [granules, K] of [[5, 2], [7, 3]] as const) {
      const problem = { ...tinyProblem(seed, granules), laneSwitch };
      const schedule = await solveOptimally(problem, K);
      assert.ok(schedule.sizes.at(-1)! < schedule.sizes[0]!);
      const timed = retimeSchedule(problem, schedule);
      assert.deepEqual(violations(problem, timed), []);
      assert.ok(timed.periodUs < schedule.periodUs - 1, `${granules} granules in ${K}: ${timed.periodUs} timed, ${schedule.periodUs} solved`);
      // Timed again, its own order gives the same period: nothing is left to take out.
      assert.ok(Math.abs(retimeSchedule(problem, timed).periodUs - timed.periodUs) < EPSILON_US);
    }
  });
}

test("a sequential schedule is left as it is", () => {
  const problem = tinyProblem(1, 4);
  const sequential = sequentialSchedule(problem);
  assert.equal(retimeSchedule(problem, sequential), sequential);
});
