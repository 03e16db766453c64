/** Green-context SM partitions: granted sizes, confinement of kernels, cuBLAS told the size. */
import { test } from "node:test";
import assert from "node:assert/strict";
import { roundToBf16 } from "../../runtime/gpu/bf16.js";
import type { KernelModule } from "../../runtime/gpu/Kernel.js";
import type { SmPartition } from "../../runtime/gpu/SmPartitions.js";
import { compileKernelModule, KERNEL_SIGNATURES } from "../../runtime/kernels/kernelContracts.js";
import { memoryGroupOrder } from "../../runtime/kernels/memoryGroups.js";
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

/** Median microseconds of a streaming read of `bytes` on the partition, one block per SM. */
async function streamReadUs(partition: SmPartition, bytes: number): Promise<number> {
  const gpu = partition.gpu;
  const module = await compileKernelModule(gpu, "stream_read");
  const kernel = module.kernel("stream_read", KERNEL_SIGNATURES.stream_read);
  const source = gpu.allocate("int32", bytes / 4);
  const sink = gpu.allocate("int32", partition.smCount * 1024);
  const [start, end] = [gpu.createEvent(), gpu.createEvent()];
  const read = () => kernel.launch(partition.stream, { grid: partition.smCount, block: 1024 }, source, BigInt(bytes / 16), sink);
  read();
  const samples = [0, 1, 2, 3, 4].map(() => {
    start.record(partition.stream);
    read();
    end.record(partition.stream);
    end.synchronize();
    return end.elapsedMsSince(start) * 1000;
  });
  for (const resource of [start, end, sink, source, module]) resource.dispose();
  return samples.sort((a, b) => a - b)[2]!;
}

test("a remainder takes the ranked groups: disjoint from the sized partition, and it reads no slower than the driver's", { skip: gpuSkip }, async () => {
  const gpu = firstGpu();
  const { groupCount = 0, groupSms = 0, leftoverSms = 0 } = gpu.greenContextSupport();
  assert.ok(groupCount > 1 && groupSms > 0, `the split: ${groupCount} groups of ${groupSms}`);
  assert.equal(groupCount * groupSms + leftoverSms, gpu.info.smCount);
  const started = performance.now();
  const order = await memoryGroupOrder(gpu, 3);
  console.log(`# ${groupCount} groups of ${groupSms} SMs and ${leftoverSms} left over; a remainder takes groups ${order.join(", ")} first (ranked in ${(performance.now() - started).toFixed(0)} ms)`);
  assert.equal(new Set(order).size, 3);
  for (const group of order) assert.ok(Number.isInteger(group) && group >= 0 && group < groupCount);
  assert.deepEqual(await memoryGroupOrder(gpu, 2), order.slice(0, 2), "ranked once, as far as asked");

  const module = await gpu.compileModule(TEST_KERNELS_SOURCE, { name: "test_kernels.cu" });
  const large = (groupCount - 1) * groupSms;
  const [big, ranked] = gpu.createSmPartitions([large], { includeRemainder: true, remainderGroups: order.slice(0, 1) });
  assert.deepEqual([big!.smCount, ranked!.smCount], [large, leftoverSms + groupSms]);
  const collectBig = launchRecordSm(module, big!);
  const collectRanked = launchRecordSm(module, ranked!);
  const [bigSms, rankedSms] = [collectBig(), collectRanked()];
  for (const sm of rankedSms) assert.ok(!bigSms.has(sm), `SM ${sm} ran blocks of both partitions`);

  const [driverBig, driverRest] = gpu.createSmPartitions([large], { includeRemainder: true });
  assert.equal(driverRest!.smCount, ranked!.smCount);
  const bytes = 256 * 2 ** 20;
  const [rankedUs, driverUs] = [await streamReadUs(ranked!, bytes), await streamReadUs(driverRest!, bytes)];
  const tbs = (us: number) => (bytes / us / 1e6).toFixed(2);
  console.log(`# streaming read on ${ranked!.smCount} SMs: ranked groups ${tbs(rankedUs)} TB/s, the driver's remainder ${tbs(driverUs)} TB/s`);
  assert.ok(rankedUs <= driverUs * 1.03, `ranked ${rankedUs.toFixed(1)} us against the driver's ${driverUs.toFixed(1)} us`);
  for (const resource of [big!, ranked!, driverBig!, driverRest!, module]) resource.dispose();
});
