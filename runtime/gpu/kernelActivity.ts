/**
 * Every kernel the GPUs ran while some work was issued and finished, as CUPTI's activity API
 * recorded it: start and end on the GPU, the device, and the graph node that ran it. Nothing is
 * added to the work (no events, no serialisation), so kernels inside a replayed CUDA graph are
 * timed as they run. CUPTI comes with the CUDA toolkit; where it is missing this throws a
 * library-missing error that says where it looked.
 */
import { loadAddon } from "../binding/loadAddon.js";

export interface RecordedKernel {
  /** The device ordinal it ran on. */
  device: number;
  /** CUPTI's id of the graph node that ran it; 0n outside CUDA graphs. */
  graphNode: bigint;
  /** Microseconds from the earliest kernel's start. */
  startUs: number;
  endUs: number;
  /** Its (mangled) name. */
  name: string;
}

/** Runs `work` (which must wait for the GPUs itself) and returns the kernels that ran meanwhile. */
export function recordKernels(work: () => void): RecordedKernel[] {
  const addon = loadAddon();
  addon.startKernelActivity();
  try {
    work();
  } catch (error) {
    try {
      addon.stopKernelActivity();
    } catch {
      // The work's own failure is the one to report.
    }
    throw error;
  }
  const activity = addon.stopKernelActivity();
  return Array.from(activity.device, (device, index) => ({
    device,
    graphNode: activity.graphNode[index]!,
    startUs: activity.startNs[index]! / 1000,
    endUs: activity.endNs[index]! / 1000,
    name: activity.name[index]!,
  }));
}
