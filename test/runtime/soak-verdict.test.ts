/** The endurance run's verdict on synthetic memory samples: growth from the first sample to the last, against the limits. */
import { test } from "node:test";
import assert from "node:assert/strict";
import { formatSoakSample } from "../../runtime/formatSoak.js";
import { memoryGrowth, MIB, soakVerdict, type MemorySample } from "../../runtime/soakVerdict.js";

const LIMITS = { maxRssGrowthBytes: 64 * MIB, maxGpuGrowthBytes: 1 * MIB };

/** A sample at `iteration` with RSS and each GPU's used memory in MiB. */
function sample(iteration: number, rssMib: number, gpuMib: number[], externalMib = 10): MemorySample {
  return {
    iteration,
    elapsedMs: iteration * 0.5,
    rssBytes: rssMib * MIB,
    externalBytes: externalMib * MIB,
    arrayBuffersBytes: (externalMib / 2) * MIB,
    gpus: gpuMib.map((used, device) => ({ device, usedBytes: used * MIB })),
  };
}

test("steady memory passes, and growth is last less first, whatever happened between", () => {
  const samples = [sample(0, 300, [70000, 70010]), sample(1000, 340, [70000.5, 70010]), sample(2000, 310, [70000, 70010], 12)];
  const { growth, failures } = soakVerdict(samples, LIMITS);
  assert.deepEqual(failures, []);
  assert.deepEqual(growth, {
    fromIteration: 0,
    toIteration: 2000,
    rssBytes: 10 * MIB,
    externalBytes: 2 * MIB,
    arrayBuffersBytes: 1 * MIB,
    gpus: [{ device: 0, usedBytes: 0 }, { device: 1, usedBytes: 0 }],
  });
});

test("GPU memory grown past the tolerance fails, naming the GPU and the MiB", () => {
  const { failures } = soakVerdict([sample(0, 300, [70000, 70000]), sample(10000, 300, [70000.5, 70003])], LIMITS);
  assert.deepEqual(failures, ["GPU 1 used memory grew 3.0 MiB from iteration 0 to 10000, more than the 1.0 MiB allowed"]);
});

test("host RSS grown past its threshold fails; shrinking memory never does", () => {
  const { failures } = soakVerdict([sample(0, 300, [70000]), sample(5000, 380.5, [69000])], LIMITS);
  assert.deepEqual(failures, ["host RSS grew 80.5 MiB from iteration 0 to 5000, more than the 64.0 MiB allowed"]);
  assert.deepEqual(soakVerdict([sample(0, 300, [70000]), sample(5000, 364, [70001])], LIMITS).failures, [], "exactly at the limits passes");
});

test("both limits exceeded: both named, GPUs first", () => {
  const { failures } = soakVerdict([sample(0, 300, [70000]), sample(100, 400, [70100])], LIMITS);
  assert.equal(failures.length, 2);
  assert.match(failures[0]!, /^GPU 0 used memory grew 100\.0 MiB/);
  assert.match(failures[1]!, /^host RSS grew 100\.0 MiB/);
});

test("fewer than two samples, or samples of different GPUs, are refused", () => {
  assert.throws(() => soakVerdict([sample(0, 300, [1])], LIMITS), /at least 2 memory samples/);
  const other = { ...sample(10, 300, [1]), gpus: [{ device: 3, usedBytes: MIB }] };
  assert.throws(() => memoryGrowth(sample(0, 300, [1]), other), /same GPUs but received \[0\] and \[3\]/);
});

test("a progress line gives the iteration, ms per iteration so far, RSS and each GPU's used memory", () => {
  assert.equal(
    formatSoakSample(sample(2000, 312.44, [70123, 70120]), 10000),
    " iteration  2000/10000  0.500 ms/iteration    RSS 312.4 MiB  external 10.0 MiB  GPU used 70123.0 | 70120.0 MiB".trimStart(),
  );
  assert.match(formatSoakSample(sample(0, 300, [1]), 10000), /^iteration     0\/10000  after warm-up/);
});
