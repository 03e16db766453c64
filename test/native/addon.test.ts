import { test } from "node:test";
import assert from "node:assert/strict";
import { loadAddon } from "../../runtime/binding/loadAddon.js";
import { isNativeError } from "../../runtime/gpu/nativeErrors.js";
import { whyNoGpu } from "../support/driverPresence.js";

const CLASSES = ["Device", "DeviceBuffer", "Stream", "Event", "GreenPartition", "CublasHandle", "KernelLibrary", "Kernel", "CudaGraph", "NcclCommunicators"];
const FUNCTIONS = ["openDevice", "listDevices", "libraryInfo", "librarySearchDirectories", "greenContextSupport", "readGpuPower", "compileProgram", "createNcclCommunicators", "startKernelActivity", "stopKernelActivity"];

test("the addon loads without any CUDA library and exports the surface AddonTypes.ts states", () => {
  const addon = loadAddon() as unknown as Record<string, unknown>;
  for (const name of [...CLASSES, ...FUNCTIONS]) assert.equal(typeof addon[name], "function", name);
  assert.deepEqual(Object.keys(addon).sort(), [...CLASSES, ...FUNCTIONS].sort());
});

test("native classes cannot be constructed from JavaScript", () => {
  const addon = loadAddon() as unknown as Record<string, new (...args: unknown[]) => unknown>;
  for (const name of CLASSES) {
    assert.throws(() => new addon[name]!(), { name: "TypeError", message: `${name} objects are made by the addon, not with new` });
  }
});

test("the library search covers CUDA_HOME, CUDA_PATH, NCCL_HOME and LD_LIBRARY_PATH before the usual places", () => {
  const directories = loadAddon().librarySearchDirectories();
  assert.ok(directories.includes("/usr/local/cuda/lib64"), directories.join(", "));
  // The environment was read when the process started; what it held is searched first.
  for (const entry of (process.env.LD_LIBRARY_PATH ?? "").split(":").filter(Boolean)) {
    assert.ok(directories.includes(entry.replace(/\/+$/, "")), `${entry} missing from ${directories.join(", ")}`);
  }
});

test("without a CUDA driver, every call names the library, what it is for and every path searched", { skip: whyNoGpu() === undefined && "a CUDA driver is present here" }, () => {
  const addon = loadAddon();
  for (const call of [() => addon.listDevices(), () => addon.openDevice(0), () => addon.libraryInfo("cuda")]) {
    assert.throws(call, (error: unknown) => {
      assert.ok(isNativeError(error));
      assert.equal(error.kind, "library-missing");
      assert.equal(error.library, "CUDA driver");
      assert.match(error.message, /libcuda\.so\.1/);
      assert.match(error.neededFor ?? "", /kernel launches/);
      assert.ok(error.searched?.some((place) => place.startsWith("/usr/local/cuda/lib64/libcuda.so.1")));
      assert.ok(error.searched?.some((place) => place.includes("via the system loader")));
      return true;
    });
  }
});

test("a missing NVRTC or NCCL is reported the same way, also from the calls that return promises", { skip: whyNoGpu() === undefined && "a CUDA driver is present here" }, async () => {
  const addon = loadAddon();
  await assert.rejects(async () => addon.compileProgram("", "empty.cu", []), (error: unknown) => {
    assert.ok(isNativeError(error));
    return error.kind === "library-missing" && error.library === "NVRTC";
  });
  await assert.rejects(async () => addon.createNcclCommunicators([], {}), (error: unknown) => {
    assert.ok(isNativeError(error));
    return error.kind === "library-missing" && error.library === "NCCL";
  });
});

test("without a driver, a power reading names NVML and what it is for", { skip: whyNoGpu() === undefined && "a CUDA driver is present here" }, () => {
  assert.throws(() => loadAddon().readGpuPower("0000:00:00.0"), (error: unknown) => {
    assert.ok(isNativeError(error));
    assert.equal(error.library, "NVML");
    // No libnvidia-ml at all, or one whose driver is not loaded.
    if (error.kind === "library-missing") assert.match(error.neededFor ?? "", /power/);
    else assert.equal(error.call, "nvmlInit_v2");
    return true;
  });
});

test("a wrong object passed to the native layer is refused, not a crash", () => {
  const addon = loadAddon();
  const notADevice = {} as never;
  assert.throws(() => addon.createNcclCommunicators([notADevice], {}), (error: unknown) => {
    assert.ok(isNativeError(error));
    assert.equal(error.kind, "misuse");
    assert.match(error.message, /Expected a Device for an NCCL rank's device/);
    return true;
  });
});

test("ending a kernel recording that was never started is refused, not a crash", () => {
  assert.throws(() => loadAddon().stopKernelActivity(), (error: unknown) => {
    assert.ok(isNativeError(error));
    assert.equal(error.kind, "misuse");
    assert.match(error.message, /No kernel activity recording is open: start one first/);
    return true;
  });
});
