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
 * within TIE_FRACTION of it, so that equal groups rank the same way every time. Ranked once per
 * device and process, as far as asked.
 *
 * A candidate partition is timed as its pieces reading at once, each on a green context of its
 * own (the leftover SMs, and each group), not as a green context of its own: the driver keeps about
 * 4 MiB of device memory for every green context ever made, destroyed or not (same folder,
 * green_ctx_memory.cpp), so ranking makes one per piece, 16 on an H100.
 */
import type { Gpu, GpuEvent, SmPartition, Stream } from "../gpu/index.js";
import { compileKernelModule, KERNEL_SIGNATURES } from "./kernelContracts.js";

const READ_BYTES = 256 * 2 ** 20;
/** A one-block read that holds the pieces back while the host queues them (a few hundred microseconds). */
const GATE_BYTES = 32 * 2 ** 20;
const TIMED_READS = 3;
/** Reads this close to the fastest count as equal (run to run the same read varies by about 1%). */
const TIE_FRACTION = 0.03;

/** By device ordinal: every Gpu object of one device shares its SMs (a runtime opens its own). */
const orders = new Map<number, Promise<number[]>>();

/** The unit groups of the device's split that partitions of these sizes leave to the remainder. */
export function groupsLeft(gpu: Gpu, sizes: readonly number[]): number {
  const { groupCount = 0, groupSms = 0 } = gpu.greenContextSupport();
  if (groupSms === 0) return 0;
  return Math.max(0, groupCount - sizes.reduce((sum, sms) => sum + Math.ceil(sms / groupSms), 0));
}

/** The first `count` groups a memory partition should take (fewer where the device has fewer); [] without green contexts. */
export async function memoryGroupOrder(gpu: Gpu, count: number): Promise<number[]> {
  const support = gpu.greenContextSupport();
  const { groupCount = 0, groupSms = 0 } = support.supported ? support : {};
  const wanted = Math.min(Math.max(0, count), groupCount);
  const known = (await orders.get(gpu.ordinal)) ?? [];
  if (known.length >= wanted) return known.slice(0, wanted);
  const extended = rankGroups(gpu, { groupCount, groupSms }, known, wanted);
  orders.set(gpu.ordinal, extended);
  extended.catch(() => orders.delete(gpu.ordinal)); // a failed ranking is not kept: the next call ranks again
  return extended;
}

async function rankGroups(gpu: Gpu, split: { groupCount: number; groupSms: number }, known: readonly number[], wanted: number): Promise<number[]> {
  const { groupCount, groupSms } = split;
  const module = await compileKernelModule(gpu, "stream_read");
  const owned: { dispose(): void }[] = [module];
  const own = <T extends { dispose(): void }>(resource: T): T => (owned.push(resource), resource);
  try {
    const kernel = module.kernel("stream_read", KERNEL_SIGNATURES.stream_read);
    // Every group of the split as a partition of its own, then the leftover SMs.
    const pieces = gpu.createSmPartitions(Array<number>(groupCount).fill(groupSms), { includeRemainder: true }).map(own);
    const leftover = pieces.length > groupCount ? pieces[groupCount] : undefined;
    const source = own(gpu.allocate("int32", READ_BYTES / 4));
    const sink = own(gpu.allocate("int32", gpu.info.smCount * 1024));
    const gateStream = own(gpu.createStream());
    source.fill(1, gateStream);
    gateStream.synchronize();
    const go = own(gpu.createEvent());
    const ends = pieces.map(() => own(gpu.createEvent()));

    const read = (stream: Stream, blocks: number, from: number, bytes: number) =>
      kernel.launch(stream, { grid: blocks, block: 1024 }, source.at(from / 4), BigInt(bytes / 16), sink);

    /** Microseconds until the last of `chosen` (pieces) has read its share of READ_BYTES, all starting at once. */
    const readOnce = (chosen: SmPartition[]): number => {
      const sms = chosen.reduce((sum, piece) => sum + piece.smCount, 0);
      read(gateStream, 1, 0, GATE_BYTES);
      go.record(gateStream);
      let from = 0;
      chosen.forEach((piece, index) => {
        const bytes = Math.floor((READ_BYTES * piece.smCount) / sms / 4096) * 4096;
        piece.stream.waitFor(go);
        read(piece.stream, piece.smCount, from, bytes);
        ends[index]!.record(piece.stream);
        from += bytes;
      });
      return Math.max(...chosen.map((_, index) => finishedUs(ends[index]!, go)));
    };
    const readUs = (groups: number[]): number => {
      const chosen = [...(leftover ? [leftover] : []), ...groups.map((group) => pieces[group]!)];
      readOnce(chosen);
      const samples = Array.from({ length: TIMED_READS }, () => readOnce(chosen));
      return samples.sort((a, b) => a - b)[Math.floor(TIMED_READS / 2)]!;
    };

    const order = [...known];
    while (order.length < wanted) {
      const candidates = Array.from({ length: groupCount }, (_, group) => group).filter((group) => !order.includes(group));
      const times = candidates.map((group) => readUs([...order, group]));
      const fastest = Math.min(...times);
      order.push(candidates[times.findIndex((us) => us <= fastest * (1 + TIE_FRACTION))]!);
    }
    return order;
  } finally {
    for (const resource of owned.reverse()) resource.dispose();
  }
}

function finishedUs(end: GpuEvent, start: GpuEvent): number {
  end.synchronize();
  return end.elapsedMsSince(start) * 1000;
}
