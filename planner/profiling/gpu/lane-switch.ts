/**
 * What ordering work between the runtime's lanes costs: chains of `hold` kernels (each spins a set
 * time on one block per SM) in a CUDA graph, across lanes as a plan's events order them, against
 * the same kernels on one lane. The split is laid out as plans lay it out: a compute group, a
 * network group of the smallest size where there are three lanes, memory the remainder.
 */
import type { DeviceArray, Gpu, GpuEvent, SmPartition, Stream } from "../../../runtime/gpu/index.js";
import type { LaneSwitchProfile } from "../../profile/schema.js";
import type { DeviceFacts, PointProgress } from "../measurer.js";
import { smallestSplit } from "../grid.js";
import type { GpuContext } from "./gpu-context.js";
import { round } from "./tables.js";
import type { WorkTimer } from "./timer.js";
import { graphWorkload } from "./workload.js";

/** Each kernel's set time: long enough that a launch overlaps the one before, as a plan's ops do. */
const HOLD_NS = 5000;
/** Kernels (or switches) per repetition, so that joining the timed stream costs little of it. */
const HOPS = 8;
/** SMs the memory remainder keeps, about what plans give decode attention. */
const MEMORY_SMS = 20;
/** Splits of two lanes (compute, memory) and three (compute, network, memory), as plans have on one GPU and across GPUs. */
const LANE_COUNTS = [2, 3] as const;

interface Lane {
  stream: Stream;
  sms: number;
  /** Recorded on this lane for another to wait on. */
  done: GpuEvent;
}

export async function measureLaneSwitch(context: GpuContext, timer: WorkTimer, partition: DeviceFacts["partition"], progress: PointProgress): Promise<LaneSwitchProfile> {
  const { gpu } = context;
  const launch = await context.kernels.hold();
  const sink: DeviceArray<"int32"> = gpu.allocate("int32", 1);
  const events: GpuEvent[] = [];
  const partitions: SmPartition[] = [];
  try {
    const lane = (stream: Stream, sms: number): Lane => {
      const done = gpu.createEvent({ timing: false });
      events.push(done);
      return { stream, sms, done };
    };
    const whole = lane(context.partitions.share(gpu.info.smCount).stream, gpu.info.smCount);
    const hold = (on: Lane): void => launch(on.stream, on.sms, HOLD_NS, sink);
    const after = (first: Lane, then: Lane): void => {
      first.done.record(first.stream);
      then.stream.waitFor(first.done);
    };
    // Every repetition starts and ends on the whole-GPU stream, which the timer times.
    const perRepUs = (body: () => void): number => timer.perRepUs(graphWorkload([whole.stream], body));
    const total = 2 + LANE_COUNTS.length;
    const oneLaneUs = perRepUs(() => {
      for (let hop = 0; hop < 2 * HOPS; hop++) hold(whole);
    }) / (2 * HOPS);
    progress(1, total);

    const splits = LANE_COUNTS.map((lanes) => {
      const made = splitInto(gpu, lanes, partition);
      partitions.push(...made);
      return made.map((p) => lane(p.stream, p.smCount));
    });
    const [compute, memory] = [splits[0]![0]!, splits[0]![1]!];
    const crossLaneUs = perRepUs(() => {
      after(whole, compute);
      for (let hop = 0; hop < HOPS; hop++) {
        hold(compute);
        after(compute, memory);
        hold(memory);
        after(memory, compute);
      }
      after(compute, whole);
    }) / (2 * HOPS) - oneLaneUs;
    progress(2, total);

    const wholeGpu = splits.map((lanes, index) => {
      const phaseUs = perRepUs(() => {
        for (let hop = 0; hop < HOPS; hop++) {
          for (const each of lanes) {
            after(whole, each);
            hold(each);
          }
          for (const each of lanes) after(each, whole);
          hold(whole);
        }
      }) / HOPS;
      progress(3 + index, total);
      // A phase is the split's kernels side by side, then one alone: two kernels and two switches.
      return { lanes: lanes.length, switchUs: round(Math.max(0, (phaseUs - 2 * oneLaneUs) / 2)) };
    });
    return { crossLaneUs: round(Math.max(0, crossLaneUs)), wholeGpu };
  } finally {
    for (const partition of partitions) partition.dispose();
    for (const event of events) event.dispose();
    sink.dispose();
  }
}

/** A split of `lanes` partitions: compute, then the smallest group for the network where there are three, memory the remainder. */
function splitInto(gpu: Gpu, lanes: number, partition: DeviceFacts["partition"]): SmPartition[] {
  const network = lanes === 3 ? [smallestSplit(partition)] : [];
  const spare = gpu.info.smCount - MEMORY_SMS - network.reduce((a, b) => a + b, 0);
  const compute = Math.min(partition.max, Math.floor(spare / partition.granularity) * partition.granularity);
  return gpu.createSmPartitions([compute, ...network], { includeRemainder: true });
}
