/**
 * How a full solve's time is sliced while no pipelined period is known (planner/schedule/search.ts):
 * the time left shared among the counts in play, never under a second, doubling each turn, so one
 * count's long proof against the sequential cutoff cannot hold a solver for the whole budget while
 * another count would find the period that tightens it.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import { sliceSeconds } from "../../planner/schedule/search.js";

test("the time left is shared among the counts waiting and those being solved", () => {
  // 8 s left, 4 solvers, 4 counts waiting: each of the 8 gets 4 s of solver time.
  assert.equal(sliceSeconds({ remainingSeconds: 8, solvers: 4, queued: 4, turns: 0 }), 4);
  // One solver, nothing else waiting: the whole of what is left.
  assert.equal(sliceSeconds({ remainingSeconds: 7.5, solvers: 1, queued: 0, turns: 0 }), 7.5);
});

test("a slice is never under a second, and doubles for each turn the count has had", () => {
  assert.equal(sliceSeconds({ remainingSeconds: 0.4, solvers: 1, queued: 5, turns: 0 }), 1);
  assert.deepEqual([0, 1, 2, 3].map((turns) => sliceSeconds({ remainingSeconds: 3, solvers: 2, queued: 4, turns })), [1, 2, 4, 8]);
});
