/** The progress bar: redrawn in place with an ETA on a terminal, plain lines otherwise. */
import { test } from "node:test";
import assert from "node:assert/strict";
import { ProgressBar } from "../../planner/profiling/progress.js";

function sink(isTTY: boolean) {
  const written: string[] = [];
  return { written, write: (text: string) => written.push(text), isTTY };
}

test("on a terminal the bar redraws one line with the share done, what runs and the ETA", () => {
  let now = 0;
  const out = sink(true);
  const bar = new ProgressBar(100, out, () => now);
  now = 30_000;
  bar.update(25, "gemm 4096x4096");
  assert.match(out.written.at(-1)!, /^\r\x1b\[2K\[#{7}-{21}\]  25% gemm 4096x4096 \| elapsed 0:30, ETA 1:30$/);
  bar.log("gemm 4096x4096: 3.0 s");
  assert.equal(out.written.at(-1), "\r\x1b[2Kgemm 4096x4096: 3.0 s\n");
  bar.finish();
});

test("into a file or pipe it writes plain lines, at most one every few seconds", () => {
  let now = 0;
  const out = sink(false);
  const bar = new ProgressBar(10, out, () => now);
  now = 6000;
  bar.update(1, "a");
  now = 7000;
  bar.update(2, "b");
  now = 12_000;
  bar.update(5, "c");
  assert.deepEqual(out.written, [" 10% a | elapsed 0:06, ETA 0:54\n", " 50% c | elapsed 0:12, ETA 0:12\n"]);
});
