/** Green-context SM partitions: granted sizes, confinement of kernels, cuBLAS told the size. */
import { test } from "node:test";
import assert from "node:assert/strict";
import { roundToBf16 } from "../../runtime/gpu/bf16.js";
import type { KernelModule } from "../../runtime/gpu/Kernel.js";
import type { SmPartition } from "../../runtime/gpu/SmPartitions.js";
import { firstGpu, gpuSkip, randomFloats, relativeError } from "../support/gpuTesting.js";
import { TEST_KERNELS_SOURCE } from "../support/testKernels.js";

const BLOCKS = 2048;

/** The distinct SMs that BLOCKS spinning blocks ran on when launched on the partition's stream. */
function launchRecordSm(module: KernelModule, partition: SmPartition) {
  const gpu = partition.gpu;
  const smOfBlock = gpu.allocate("int32", BLOCKS);
  smOfBlock.poison(partition.stream);
  module.kernel("record_sm", ["ptr", "i64"]).launch(partition.stream, { grid: BLOCKS, block: 128 }, smOfBlock, 20_000n);
  return () => {
    partition.stream.synchronize();
    const sms = smOfBlock.download();
    assert.ok(!sms.includes(-1), "some block did not run");
    return new Set(sms);
  };
}

test("green contexts are supported and report their granularity", { skip: gpuSkip }, () => {
  const support = firstGpu().greenContextSupport();
  console.log(`# green contexts: ${JSON.stringify(support)}`);
  assert.equal(support.supported, true, support.reason);
  assert.equal(support.smCount, firstGpu().info.smCount);
  if (firstGpu().info.computeCapability.major === 9) assert.deepEqual([support.minPartitionSms, support.alignment], [8, 8]);
});

for (const sizes of [[8], [16], [24], [112], [16, 16, 24]]) {
  test(`partitions of ${sizes.join(" + ")} SMs plus the remainder are granted and read back`, { skip: gpuSkip }, () => {
    const gpu = firstGpu();
    const { alignment = 1 } = gpu.greenContextSupport();
    const partitions = gpu.createSmPartitions(sizes, { includeRemainder: true });
    const granted = partitions.map((partition) => partition.smCount);
    console.log(`# requested ${sizes.join(" + ")} + remainder of ${gpu.info.smCount}: granted ${granted.join(" + ")}`);
    assert.equal(partitions.length, sizes.length + 1);
    sizes.forEach((size, index) => {
      assert.ok(granted[index]! >= size && granted[index]! % alignment === 0, `partition ${index}: ${granted[index]} SMs for ${size}`);
    });
    assert.equal(granted.reduce((a, b) => a + b, 0), gpu.info.smCount);
    for (const partition of partitions) {
      assert.equal(partition.isolation, "green-context");
      assert.equal(partition.stream.inGreenPartition, true);
      partition.dispose();
    }
  });
}

test("kernels on two partitions run only on their own SMs (112 + 20 style)", { skip: gpuSkip }, async () => {
  const gpu = firstGpu();
  const module = await gpu.compileModule(TEST_KERNELS_SOURCE, { name: "test_kernels.cu" });
  const large = gpu.info.smCount - 20;
  const [big, rest] = gpu.createSmPartitions([large], { includeRemainder: true });
  const collectBig = launchRecordSm(module, big!);
  const collectRest = launchRecordSm(module, rest!);
  const bigSms = collectBig();
  const restSms = collectRest();
  console.log(`# ${BLOCKS} blocks ran on ${bigSms.size} distinct SMs of a ${big!.smCount}-SM partition and ${restSms.size} of a ${rest!.smCount}-SM one`);
  assert.ok(bigSms.size <= big!.smCount && bigSms.size >= big!.smCount * 0.75, `${bigSms.size} SMs used of ${big!.smCount}`);
  assert.ok(restSms.size <= rest!.smCount && restSms.size >= rest!.smCount * 0.75, `${restSms.size} SMs used of ${rest!.smCount}`);
  for (const sm of restSms) assert.ok(!bigSms.has(sm), `SM ${sm} ran blocks of both partitions`);
  const small = gpu.createSmPartitions([16])[0]!;
  const smallSms = launchRecordSm(module, small)();
  assert.ok(smallSms.size <= small.smCount, `${smallSms.size} SMs used of ${small.smCount}`);
  for (const partition of [big!, rest!, small]) partition.dispose();
});

test("each partition's cuBLAS handle carries its SM count target, and GEMMs on its stream are right", { skip: gpuSkip }, () => {
  const gpu = firstGpu();
  const partitions = gpu.createSmPartitions([16], { includeRemainder: true });
  const [m, n, k] = [64, 96, 128];
  const hostA = roundToBf16(randomFloats(m * k));
  const hostB = roundToBf16(randomFloats(n * k));
  const a = gpu.upload("bf16", hostA);
  const b = gpu.upload("bf16", hostB);
  const reference = new Float64Array(m * n).map((_, index) => {
    const [i, j] = [Math.floor(index / n), index % n];
    let sum = 0;
    for (let p = 0; p < k; p++) sum += hostA[i * k + p]! * hostB[j * k + p]!;
    return sum;
  });
  for (const partition of partitions) {
    const cublas = partition.createCublas();
    assert.equal(cublas.smCountTarget, partition.smCount);
    const c = gpu.allocate("fp32", m * n);
    c.poison(partition.stream);
    cublas.gemm({ stream: partition.stream, a, b, c, m, n, k });
    partition.stream.synchronize();
    const error = relativeError(c.download(), reference);
    assert.ok(error < 1e-5, `relative error ${error} on the ${partition.smCount}-SM partition`);
    cublas.dispose();
    partition.dispose();
  }
});
