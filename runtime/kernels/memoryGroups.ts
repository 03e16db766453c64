/**
 * Which unit groups of the device's split a memory partition takes: the order in which the
 * remainder of a split (the leftover SMs the split cannot group) gains groups.
 *
 * A partition's streaming read is limited per GPC as well as per SM. Left to the driver, the
 * remainder beside a 112-SM group has 10 of its 20 SMs in one GPC and reads 2.53 TB/s on an H200,
 * where the leftover SMs plus a group of a GPC they do not touch read 3.12 TB/s; at 44 SMs 3.28
 * against 4.23 (H100: 1.83 against 2.16 at 20 SMs): bench/results/2026-11-22-session33-sm-placement/.
 * The driver does not say which GPC a group is in, so the groups are ranked by timing, greedily:
 * each next group is the one with which the partition reads fastest, the lowest index among those
 * within TIE_FRACTION of it, so that equal groups rank the same way every time. Ranked once per GPU
 * and process, as far as asked.
 */
import type { Gpu } from "../gpu/index.js";
import { createSmPartitions } from "../gpu/SmPartitions.js";
import { compileKernelModule, KERNEL_SIGNATURES } from "./kernelContracts.js";

const READ_BYTES = 128 * 2 ** 20;
const TIMED_READS = 3;
/** Reads this close to the fastest count as equal (run to run the same read varies by about 1%). */
const TIE_FRACTION = 0.03;

const orders = new WeakMap<Gpu, Promise<number[]>>();

/** The first `count` groups a memory partition should take (fewer where the device has fewer); [] without green contexts. */
export async function memoryGroupOrder(gpu: Gpu, count: number): Promise<number[]> {
  const support = gpu.greenContextSupport();
  const groups = support.supported ? (support.groupCount ?? 0) : 0;
  const wanted = Math.min(Math.max(0, count), groups);
  const known = (await orders.get(gpu)) ?? [];
  if (known.length >= wanted) return known.slice(0, wanted);
  const extended = rankGroups(gpu, groups, known, wanted);
  orders.set(gpu, extended);
  extended.catch(() => orders.delete(gpu));  // a failed ranking is not kept: the next call ranks again
  return extended;
}

async function rankGroups(gpu: Gpu, groups: number, known: readonly number[], wanted: number): Promise<number[]> {
  const module = await compileKernelModule(gpu, "stream_read");
  const owned: { dispose(): void }[] = [module];
  try {
    const kernel = module.kernel("stream_read", KERNEL_SIGNATURES.stream_read);
    const stream = gpu.createStream();
    owned.push(stream);
    const source = gpu.allocate("int32", READ_BYTES / 4);
    owned.push(source);
    const sink = gpu.allocate("int32", gpu.info.smCount * 1024);
    owned.push(sink);
    source.fill(1, stream);
    stream.synchronize();
    const start = gpu.createEvent();
    owned.push(start);
    const end = gpu.createEvent();
    owned.push(end);

    /** Median microseconds of a streaming read on the leftover SMs plus `chosen`. */
    const readUs = (chosen: number[]): number => {
      const [partition] = createSmPartitions(gpu, [], { includeRemainder: true, remainderGroups: chosen });
      try {
        const read = () => kernel.launch(partition!.stream, { grid: partition!.smCount, block: 1024 }, source, BigInt(READ_BYTES / 16), sink);
        read();
        const samples = Array.from({ length: TIMED_READS }, () => {
          start.record(partition!.stream);
          read();
          end.record(partition!.stream);
          end.synchronize();
          return end.elapsedMsSince(start) * 1000;
        });
        return samples.sort((a, b) => a - b)[Math.floor(TIMED_READS / 2)]!;
      } finally {
        partition!.dispose();
      }
    };

    const order = [...known];
    while (order.length < wanted) {
      const candidates = Array.from({ length: groups }, (_, group) => group).filter((group) => !order.includes(group));
      const times = candidates.map((group) => readUs([...order, group]));
      const fastest = Math.min(...times);
      order.push(candidates[times.findIndex((us) => us <= fastest * (1 + TIE_FRACTION))]!);
    }
    return order;
  } finally {
    for (const resource of owned.reverse()) resource.dispose();
  }
}
