/** The TypeScript GPU layer refuses bad arguments before any native call, saying what it expected. */
import { test } from "node:test";
import assert from "node:assert/strict";
import type { NativeCublasHandle, NativeDeviceBuffer, NativeKernel, NativeStream } from "../../runtime/binding/AddonTypes.js";
import { Cublas } from "../../runtime/gpu/Cublas.js";
import { DeviceArray } from "../../runtime/gpu/DeviceArray.js";
import type { DType } from "../../runtime/gpu/dtype.js";
import { Kernel, type KernelParamType } from "../../runtime/gpu/Kernel.js";
import { createSmPartitions } from "../../runtime/gpu/SmPartitions.js";
import { Stream } from "../../runtime/gpu/Stream.js";
import { describe } from "../../runtime/gpu/validate.js";
import { fakeGpu, fakeNative } from "../support/fakeGpu.js";

const gpu = fakeGpu(0);
const otherGpu = fakeGpu(1);
const stream = new Stream(fakeNative<NativeStream>(), gpu);

function array<D extends DType>(dtype: D, length: number, calls: string[] = [], owner = gpu): DeviceArray<D> {
  return new DeviceArray(fakeNative<NativeDeviceBuffer>(calls), owner, dtype, length);
}

test("describe() names values briefly for messages", () => {
  assert.equal(describe(undefined), "undefined");
  assert.equal(describe("abc"), 'the string "abc"');
  assert.equal(describe(3.5), "3.5");
  assert.equal(describe(5n), "5n");
  assert.equal(describe([1, 2]), "an array of length 2");
  assert.equal(describe(new Int32Array(2)), "a Int32Array of 8 bytes");
  assert.equal(describe({}), "an object");
  assert.equal(describe(array("fp32", 12)), "fp32 DeviceArray of 12 elements on GPU 0");
});

test("uploads check the host type and the range against the array", () => {
  const calls: string[] = [];
  const fp32 = array("fp32", 10, calls);
  assert.throws(() => fp32.upload(new Int32Array(4) as never), { name: "TypeError", message: "Expected a Float32Array for upload to a fp32 array but received a Int32Array of 16 bytes" });
  assert.throws(() => fp32.upload(new Float32Array(11)), { name: "RangeError", message: "Expected an integer from 0 to 10 for the element count of the upload but received 11" });
  assert.throws(() => fp32.upload(new Float32Array(4), 7), { name: "RangeError", message: "Expected an integer from 0 to 3 for the element count of the upload but received 4" });
  assert.throws(() => fp32.upload(new Float32Array(4), -1), RangeError);
  assert.throws(() => array("bf16", 4).upload(new Float64Array(4) as never), { message: "Expected a Float32Array or a Uint16Array for upload to a bf16 array but received a Float64Array of 32 bytes" });
  assert.deepEqual(calls, []);
});

test("a disposed array is refused by name, and dispose() is idempotent", () => {
  const calls: string[] = [];
  const fp32 = array("fp32", 4, calls);
  fp32.dispose();
  fp32.dispose();
  assert.equal(fp32.disposed, true);
  assert.throws(() => fp32.download(), { message: "Expected a live DeviceArray for download() but received one that was disposed" });
  assert.deepEqual(calls, []);
});

test("fills check the value against the element type, and the stream's GPU", () => {
  const calls: string[] = [];
  const int32 = array("int32", 8, calls);
  assert.throws(() => int32.fill(1.5, stream), { message: "Expected an integer from -2147483648 to 2147483647 for the fill value but received 1.5" });
  assert.throws(() => int32.fill(1, new Stream(fakeNative<NativeStream>(), otherGpu)), { message: "Expected a Stream of GPU 0 for the fill stream but received one of another GPU" });
  assert.throws(() => int32.fill(Number.NaN, stream), { message: "Expected a finite number for the fill value but received NaN" });
  int32.fill(-1, stream, 2, 3);
  assert.deepEqual(calls, ["fill"]);
});

test("GEMM arguments are checked: dtypes, dimensions, row ranges against array sizes, GPUs", () => {
  const calls: string[] = [];
  const cublas = new Cublas(fakeNative<NativeCublasHandle>(calls), gpu);
  const a = array("bf16", 6 * 4);
  const b = array("bf16", 5 * 4);
  const c = array("fp32", 6 * 5);
  const ok = { stream, a, b, c, m: 6, n: 5, k: 4 };
  assert.throws(() => cublas.gemm({ ...ok, m: 0 }), { name: "RangeError", message: "Expected an integer from 1 to 2147483647 for m (rows) but received 0" });
  assert.throws(() => cublas.gemm({ ...ok, a: array("fp32", 24) as never }), { name: "TypeError", message: "Expected a bf16 DeviceArray for A but received fp32 DeviceArray of 24 elements on GPU 0" });
  assert.throws(() => cublas.gemm({ ...ok, c: array("int32", 30) as never }), { message: "Expected a bf16 DeviceArray or a fp32 DeviceArray for C but received int32 DeviceArray of 30 elements on GPU 0" });
  assert.throws(() => cublas.gemm({ ...ok, b: array("bf16", 19) }), { name: "RangeError", message: "Expected at least 20 elements in B of [5, 4] but received an array of 19" });
  assert.throws(() => cublas.gemm({ ...ok, m: 3, rowOffset: 4 }), { message: "Expected at least 28 elements in A for rows 4..6 of 4 features but received an array of 24" });
  assert.throws(() => cublas.gemm({ ...ok, a: array("bf16", 24, [], otherGpu) }), { message: "Expected a DeviceArray of GPU 0 for A but received one of another GPU" });
  assert.throws(() => cublas.gemm({ ...ok, stream: {} as never }), { message: "Expected a Stream for the GEMM stream but received an object" });
  assert.throws(() => { cublas.smCountTarget = 133; }, { message: "Expected an integer from 0 to 132 for the SM count target but received 133" });
  cublas.gemm({ ...ok, m: 2, rowOffset: 4 });
  assert.deepEqual(calls, ["gemm"]);
});

test("kernel launches check the signature, the argument types and the launch shape", () => {
  const calls: string[] = [];
  const signature = ["ptr", "i32", "u32", "f32", "i64"] as const satisfies readonly KernelParamType[];
  const kernel = new Kernel(fakeNative<NativeKernel>(calls), gpu, "k", signature);
  const x = array("fp32", 16);
  const config = { grid: 4, block: 128 };
  assert.throws(() => kernel.launch(stream, config, ...([x, 1, 2, 3] as unknown as [typeof x, number, number, number, bigint])), { message: "Expected 5 arguments (ptr, i32, u32, f32, i64) for a launch of k but received 4" });
  assert.throws(() => kernel.launch(stream, config, x, 2 ** 31, 0, 0, 0n), { message: "Expected an integer from -2147483648 to 2147483647 for argument 1 (i32) of a launch of k but received 2147483648" });
  assert.throws(() => kernel.launch(stream, config, x, 0, -1, 0, 0n), { message: "Expected an integer from 0 to 4294967295 for argument 2 (u32) of a launch of k but received -1" });
  assert.throws(() => kernel.launch(stream, config, x, 0, 0, 0, 2n ** 64n), { message: "Expected a bigint within 64 bits for argument 4 (i64) of a launch of k but received 18446744073709551616n" });
  assert.throws(() => kernel.launch(stream, config, new Float32Array(2) as never, 0, 0, 0, 0n), { message: "Expected a DeviceArray or array.at(offset) for argument 0 (ptr) of a launch of k but received a Float32Array of 8 bytes" });
  assert.throws(() => kernel.launch(stream, { grid: 4, block: [64, 32, 1] }, x, 0, 0, 0, 0n), { message: "Expected at most 1024 threads per block for a launch of k but received 64 x 32 x 1 = 2048" });
  assert.throws(() => kernel.launch(stream, { grid: 0, block: 1 }, x, 0, 0, 0, 0n), { message: "Expected an integer from 1 to 2147483647 for the grid of a launch of k[0] but received 0" });
  assert.throws(() => kernel.launch(stream, { ...config, sharedBytes: 300_000 }, x, 0, 0, 0, 0n), RangeError);
  assert.throws(() => kernel.launch(stream, config, array("fp32", 16, [], otherGpu), 0, 0, 0, 0n), { message: "Expected a DeviceArray of GPU 0, or of a GPU it may address (Gpu.enablePeerAccess), for argument 0 (ptr) of a launch of k but received one of GPU 1" });
  assert.throws(() => x.at(17), RangeError);
  kernel.launch(stream, config, x.at(3), -5, 7, 0.5, -(2n ** 63n));
  assert.deepEqual(calls, ["launch"]);
});

test("SM partition requests must fit the GPU; without green contexts they become unconfined streams", () => {
  assert.throws(() => createSmPartitions(gpu, []), { message: "Expected an array of at least 1 elements for the partition sizes but received an array of length 0" });
  assert.throws(() => createSmPartitions(gpu, [0]), RangeError);
  assert.throws(() => createSmPartitions(gpu, [112, 24]), { message: "Expected partition sizes adding up to at most 132 SMs for the partition sizes but received 112 + 24 = 136" });
  // Groups for the remainder: indices of the device's split, distinct, and only with a remainder partition.
  assert.throws(() => createSmPartitions(gpu, [112], { remainderGroups: [3] }), { message: "options.remainderGroups needs options.includeRemainder: the groups go to the remainder partition" });
  assert.throws(() => createSmPartitions(gpu, [112], { includeRemainder: true, remainderGroups: [15] }), { message: "Expected an integer from 0 to 14 for options.remainderGroups[0] but received 15" });
  assert.throws(() => createSmPartitions(gpu, [104], { includeRemainder: true, remainderGroups: [2, 2] }), { message: "Expected distinct groups for options.remainderGroups but received 2, 2" });
  assert.throws(() => createSmPartitions(gpu, [112], { includeRemainder: true, ignoreCoscheduling: true, remainderGroups: [1] }), RangeError);
  const plainGpu = Object.assign(fakeGpu(0, false), { createStream: () => stream });
  const partitions = createSmPartitions(plainGpu, [112], { includeRemainder: true });
  assert.deepEqual(partitions.map((p) => [p.requestedSms, p.smCount, p.isolation, p.fallbackReason]), [
    [112, 112, "none", "fake"],
    [20, 20, "none", "fake"],
  ]);
});
