/** NCCL all-reduce across the GPUs of this process, with NCCL's CTAs capped, on partition streams. */
import { test } from "node:test";
import assert from "node:assert/strict";
import { loadAddon } from "../../runtime/binding/loadAddon.js";
import { roundToBf16 } from "../../runtime/gpu/bf16.js";
import { Gpu } from "../../runtime/gpu/Gpu.js";
import { createNcclCommunicators } from "../../runtime/gpu/Nccl.js";
import { gpuSkip, randomFloats, relativeError } from "../support/gpuTesting.js";

const gpuCount = gpuSkip ? 0 : loadAddon().listDevices().length;
const skip = gpuSkip || (gpuCount < 2 && `all-reduce needs 2 or more GPUs; this machine has ${gpuCount}`);
if (skip && !gpuSkip) console.log(`# NCCL test skipped: ${skip}`);

test("all-reduce sums fp32 and bf16 across every GPU, with maxCTAs 4, on 8-SM partition streams", { skip }, async () => {
  const gpus = Array.from({ length: gpuCount }, (_, ordinal) => Gpu.open(ordinal));
  const communicators = await createNcclCommunicators(gpus, { maxCTAs: 4 });
  assert.equal(communicators.size, gpus.length);
  const partitions = gpus.map((gpu) => gpu.createSmPartitions([8])[0]!);
  const count = 1 << 20;
  for (const dtype of ["fp32", "bf16"] as const) {
    const inputs = gpus.map(() => (dtype === "bf16" ? roundToBf16(randomFloats(count)) : randomFloats(count)));
    const reference = new Float64Array(count);
    for (const input of inputs) input.forEach((value, i) => void (reference[i] = reference[i]! + value));
    const sends = gpus.map((gpu, rank) => gpu.upload(dtype, inputs[rank]!));
    const receives = gpus.map((gpu) => gpu.allocate(dtype, count));
    receives.forEach((receive, rank) => receive.poison(partitions[rank]!.stream));
    communicators.allReduce(gpus.map((_, rank) => ({ send: sends[rank]!, receive: receives[rank]!, stream: partitions[rank]!.stream })), count);
    for (const partition of partitions) partition.stream.synchronize();
    for (const receive of receives) {
      const error = relativeError(receive.download(), reference);
      assert.ok(error < (dtype === "fp32" ? 1e-6 : 1e-2), `${dtype} relative error ${error}`);
    }
  }
  communicators.dispose();
});
