/**
 * Power and energy of a mode's iterations run back to back, read through NVML around a sustained
 * window (no host waits between iterations): average power per GPU against its limit, energy per
 * iteration, tokens per joule, the share of the window the power limiter held the clocks down and
 * the SM clock. A GPU at its power limit cannot run faster by doing work side by side; it can only
 * spend less energy on it, so these say whether a plan's overlap is bound by power.
 */
import type { NativeGpuPower } from "./binding/AddonTypes.js";
import type { Gpu, Stream } from "./gpu/index.js";
import { median } from "../planner/median.js";

export interface PowerWindow {
  /** Iterations in the window, all GPUs together. */
  iterations: number;
  /** GPU time of one iteration in the window, back to back (CUDA events around it). */
  iterationUs: number;
  averageWattsPerGpu: number;
  /** The lowest enforced power limit among the GPUs. */
  powerLimitWatts: number;
  /** Energy of one iteration on all its GPUs. */
  joulesPerIteration: number;
  tokensPerJoule: number;
  /** Share of the window the power limiter held the clocks down (mean over GPUs). */
  powerCappedShare: number;
  thermalCappedShare: number;
  /** Median SM clock over readings taken during the window, all GPUs. */
  smClockMhz: number;
  /**
   * Each GPU apart, in rank order: in lockstep the slowest GPU sets every rank's pace, and at the
   * power limit GPUs doing the same work can hold different clocks.
   */
  perGpu: GpuPowerShare[];
}

export interface GpuPowerShare {
  /** The CUDA device ordinal. */
  device: number;
  averageWatts: number;
  /** Median SM clock over this GPU's readings during the window. */
  smClockMhz: number;
  powerCappedShare: number;
}

/** Run before the window (µs), so that clocks settle at their sustained level. */
const SETTLE_US = 500_000;
/** The window (µs): long beside NVML's energy counter updates, milliseconds apart. */
export const POWER_WINDOW_US = 3_000_000;
/** Iterations are issued in chunks of about this long; the SM clock is read between chunks. */
const CHUNK_US = 50_000;

export interface PowerWindowWork {
  gpus: readonly Gpu[];
  /** Rank 0's stream where an iteration starts and ends. */
  stream: Stream;
  /** Issues one iteration on every GPU. */
  launch: () => void;
  /** Waits for every GPU. */
  synchronize: () => void;
  /** A measured iteration time, to size the window. */
  iterationUs: number;
  tokensPerIteration: number;
}

/** Why power cannot be read here (NVML missing or refusing), or undefined when it can. */
export function whyNoPowerReadings(gpus: readonly Gpu[]): string | undefined {
  try {
    for (const gpu of gpus) gpu.readPower();
    return undefined;
  } catch (error) {
    return (error as Error).message.split("\n")[0];
  }
}

export function measurePowerWindow(work: PowerWindowWork): PowerWindow {
  const { gpus, stream } = work;
  const perChunk = Math.max(1, Math.round(CHUNK_US / work.iterationUs));
  const chunks = Math.max(2, Math.ceil(POWER_WINDOW_US / (perChunk * work.iterationUs)));
  const gpu0 = gpus[0]!;
  const [start, end] = [gpu0.createEvent(), gpu0.createEvent()];
  const paces = [gpu0.createEvent({ timing: false }), gpu0.createEvent({ timing: false })];
  const issueChunk = () => {
    for (let i = 0; i < perChunk; i++) work.launch();
  };
  try {
    for (let i = 0; i < Math.ceil(SETTLE_US / work.iterationUs); i++) work.launch();
    start.record(stream);
    issueChunk();
    start.synchronize();
    // The GPUs are busy with the first chunk while these are read.
    const before = gpus.map((gpu) => gpu.readPower());
    const clocks: number[][] = gpus.map(() => []);
    for (let chunk = 1; chunk < chunks; chunk++) {
      issueChunk();
      paces[chunk % 2]!.record(stream);
      if (chunk > 1) paces[(chunk - 1) % 2]!.synchronize();
      gpus.forEach((gpu, i) => clocks[i]!.push(gpu.readPower().smClockMhz));
    }
    end.record(stream);
    end.synchronize();
    work.synchronize();
    const after = gpus.map((gpu) => gpu.readPower());
    const devices = gpus.map((gpu) => gpu.ordinal);
    return powerWindowOf({ devices, before, after, clocks }, chunks * perChunk, end.elapsedMsSince(start) * 1000, work.tokensPerIteration);
  } finally {
    for (const event of [start, end, ...paces]) event.dispose();
  }
}

/** Each GPU's readings around a window, in rank order, and the SM clocks read during it. */
export interface GpuReadings {
  devices: readonly number[];
  before: readonly NativeGpuPower[];
  after: readonly NativeGpuPower[];
  /** clocks[i]: GPU i's SM clock readings. */
  clocks: readonly (readonly number[])[];
}

/** The window's figures from each GPU's readings before and after it, the SM clocks read during it. */
export function powerWindowOf({ devices, before, after, clocks }: GpuReadings, iterations: number, windowUs: number, tokens: number): PowerWindow {
  // Each GPU's differences, over the time between its own two readings.
  const perGpu = before.map((b, i) => {
    const a = after[i]!;
    const seconds = (a.readAtUs - b.readAtUs) / 1e6;
    return {
      joules: (a.energyMillijoules - b.energyMillijoules) / 1000,
      seconds,
      powerCapped: (a.powerCappedNs - b.powerCappedNs) / 1e9 / seconds,
      thermalCapped: (a.thermalCappedNs - b.thermalCappedNs) / 1e9 / seconds,
    };
  });
  const mean = (values: number[]) => values.reduce((sum, value) => sum + value, 0) / values.length;
  const joulesPerIteration = perGpu.reduce((sum, gpu) => sum + gpu.joules, 0) / iterations;
  return {
    iterations,
    iterationUs: windowUs / iterations,
    averageWattsPerGpu: mean(perGpu.map((gpu) => gpu.joules / gpu.seconds)),
    powerLimitWatts: Math.min(...after.map((a) => a.powerLimitMilliwatts / 1000)),
    joulesPerIteration,
    tokensPerJoule: tokens / joulesPerIteration,
    powerCappedShare: mean(perGpu.map((gpu) => gpu.powerCapped)),
    thermalCappedShare: mean(perGpu.map((gpu) => gpu.thermalCapped)),
    smClockMhz: median(clocks.flat()),
    perGpu: perGpu.map((gpu, i) => ({
      device: devices[i]!,
      averageWatts: gpu.joules / gpu.seconds,
      smClockMhz: median(clocks[i]!),
      powerCappedShare: gpu.powerCapped,
    })),
  };
}
