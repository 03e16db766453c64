/**
 * Stand-ins for native objects and a GPU, so argument checks can be tested without a GPU: every
 * native method call is recorded, and a test asserts none happened when a check refused.
 */
import type { NativeDeviceInfo } from "../../runtime/binding/AddonTypes.js";
import type { Gpu } from "../../runtime/gpu/Gpu.js";

export interface FakeNative {
  disposed: boolean;
  calls: string[];
  dispose(): void;
}

/** A native object whose every method records its name (and whose smCount reads 16). */
export function fakeNative<T>(calls: string[] = []): T & FakeNative {
  const state = { disposed: false, calls };
  return new Proxy(state, {
    get(target, property) {
      if (property in target) return target[property as keyof typeof target];
      if (property === "dispose") return () => void (target.disposed = true);
      if (property === "smCount") return 16;
      return (..._args: unknown[]) => void calls.push(String(property));
    },
  }) as unknown as T & FakeNative;
}

export const FAKE_DEVICE_INFO: NativeDeviceInfo = {
  ordinal: 0,
  name: "Fake H100",
  pciBusId: "0000:00:00.0",
  totalMemoryBytes: 80 * 2 ** 30,
  smCount: 132,
  computeCapability: { major: 9, minor: 0 },
  l2CacheBytes: 50 * 2 ** 20,
  maxSharedMemoryPerBlockOptin: 232448,
  maxThreadsPerBlock: 1024,
};

/** A GPU object for argument checks: it has info and an ordinal, and no native device. */
export function fakeGpu(ordinal = 0, greenContexts = true): Gpu {
  const calls: string[] = [];
  return {
    info: { ...FAKE_DEVICE_INFO, ordinal },
    ordinal,
    kind: "Gpu",
    calls,
    synchronize: () => void calls.push("synchronize"),
    // No peer access: only its own arrays.
    canAddress(peer: Gpu) {
      return peer === this;
    },
    greenContextSupport: () => (greenContexts ? { supported: true, smCount: 132, minPartitionSms: 8, alignment: 8, groupCount: 15, groupSms: 8, leftoverSms: 12 } : { supported: false, reason: "fake" }),
    nativeFor: () => fakeNative(calls),
  } as unknown as Gpu;
}
