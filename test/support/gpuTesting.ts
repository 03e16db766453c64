/**
 * Shared pieces of the GPU tests: why they skip (printed), fresh random data for every check,
 * and the relative error ‖out − ref‖ / ‖ref‖ against float64 references.
 */
import { Gpu } from "../../runtime/gpu/Gpu.js";
import { whyNoGpu } from "./driverPresence.js";

/** false when a GPU is usable here, else the reason the GPU tests skip. */
export const gpuSkip: string | false = (() => {
  const why = whyNoGpu();
  if (why === undefined) return false;
  const reason = `no usable GPU: ${why}`;
  console.log(`# GPU tests skipped: ${reason}`);
  return reason;
})();

/** The first GPU, opened once per test file (each file runs in its own process). */
let opened: Gpu | undefined;
export function firstGpu(): Gpu {
  opened ??= Gpu.open(0);
  return opened;
}

/** Uniform values in [-scale, scale), new for every call. */
export function randomFloats(count: number, scale = 1): Float32Array {
  const values = new Float32Array(count);
  for (let i = 0; i < count; i++) values[i] = (Math.random() * 2 - 1) * scale;
  return values;
}

/** ‖out − ref‖₂ / ‖ref‖₂; Infinity when out holds a NaN. */
export function relativeError(out: ArrayLike<number>, ref: ArrayLike<number>): number {
  let difference = 0;
  let norm = 0;
  for (let i = 0; i < ref.length; i++) {
    const delta = out[i]! - ref[i]!;
    if (Number.isNaN(delta)) return Infinity;
    difference += delta * delta;
    norm += ref[i]! * ref[i]!;
  }
  return Math.sqrt(difference) / Math.max(Math.sqrt(norm), Number.MIN_VALUE);
}
