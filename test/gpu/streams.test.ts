/** Events (ordering and timing) and CUDA graphs captured from a stream. */
import { test } from "node:test";
import assert from "node:assert/strict";
import { firstGpu, gpuSkip, randomFloats } from "../support/gpuTesting.js";
import { TEST_KERNELS_SOURCE } from "../support/testKernels.js";

test("events time GPU work and order one stream after another", { skip: gpuSkip }, async () => {
  const gpu = firstGpu();
  const module = await gpu.compileModule(TEST_KERNELS_SOURCE);
  const spin = module.kernel("record_sm", ["ptr", "i64"]);
  const producer = gpu.createStream();
  const consumer = gpu.createStream();
  const [start, end, ready] = [gpu.createEvent(), gpu.createEvent(), gpu.createEvent({ timing: false })];
  const scratch = gpu.allocate("int32", 1);
  const source = gpu.upload("fp32", randomFloats(4096));
  const target = gpu.allocate("fp32", 4096);
  target.poison(consumer);
  start.record(producer);
  spin.launch(producer, { grid: 1, block: 32 }, scratch, 4_000_000n); // about 2 ms at 2 GHz
  end.record(producer);
  ready.record(producer);
  consumer.waitFor(ready);
  target.copyFrom(source, consumer);
  end.synchronize();
  const elapsed = end.elapsedMsSince(start);
  console.log(`# a 4e6-cycle spin took ${elapsed.toFixed(3)} ms by events`);
  assert.ok(elapsed > 0.5 && elapsed < 100, `elapsed ${elapsed} ms`);
  assert.equal(end.isComplete(), true);
  consumer.synchronize();
  assert.deepEqual(target.download(), source.download());
  assert.throws(() => end.elapsedMsSince(ready), { message: "Expected two timing events for elapsedMsSince() but received one made with timing: false" });
});

test("a captured graph replays its work, also on an SM partition's stream", { skip: gpuSkip }, async () => {
  const gpu = firstGpu();
  const module = await gpu.compileModule(TEST_KERNELS_SOURCE);
  const addOne = module.kernel("add_one", ["ptr", "i32"]);
  const [partition] = gpu.createSmPartitions([16]);
  for (const stream of [gpu.createStream(), partition!.stream]) {
    const values = gpu.upload("int32", new Int32Array(300).fill(10));
    stream.beginCapture();
    addOne.launch(stream, { grid: 2, block: 256 }, values, 300);
    addOne.launch(stream, { grid: 2, block: 256 }, values, 300);
    const graph = stream.endCapture();
    assert.deepEqual(Array.from(values.download(0, 3)), [10, 10, 10], "capture must not run the work");
    for (let replay = 0; replay < 3; replay++) graph.launch(stream);
    stream.synchronize();
    assert.ok(values.download().every((value) => value === 16));
    graph.dispose();
  }
  partition!.dispose();
});
