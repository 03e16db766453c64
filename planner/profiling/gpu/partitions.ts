/**
 * The SM shares of one GPU that measurements run on, each made once and kept: a stream confined to
 * it (a green-context partition; the whole GPU is a plain stream) and a cuBLAS handle whose SM count
 * target is its size. A share that is not a multiple of the split step is the remainder of a split,
 * as in a plan; the other piece of that split serves co-running measurements.
 */
import type { Cublas, Gpu, SmPartition, Stream } from "../../../runtime/gpu/index.js";
import { groupsLeft, memoryGroupOrder } from "../../../runtime/kernels/memoryGroups.js";

export class SmShare {
  private handle: Cublas | undefined;

  constructor(
    readonly smCount: number,
    readonly stream: Stream,
    private readonly makeCublas: () => Cublas,
  ) {}

  /** Made on first use: a handle holds a 32 MiB workspace. */
  get cublas(): Cublas {
    this.handle ??= this.makeCublas();
    return this.handle;
  }

  dispose(): void {
    this.handle?.dispose();
  }
}

export interface Split {
  /** The partition of the requested size. */
  group: SmShare;
  /** The SMs it leaves. */
  remainder: SmShare;
}

/** The largest single partition the driver grants, found by asking for ever smaller ones. */
export function largestPartition(gpu: Gpu, min: number, granularity: number): number {
  for (let sms = Math.floor((gpu.info.smCount - 1) / granularity) * granularity; sms > min; sms -= granularity) {
    try {
      gpu.createSmPartitions([sms]).forEach((partition) => partition.dispose());
      return sms;
    } catch {
      // refused: the SMs do not split into that many groups
    }
  }
  return min;
}

export class PartitionCache {
  private memoryGroups: number[] | undefined;
  private readonly shares = new Map<number, SmShare>();
  private readonly splits = new Map<number, Split>();
  private readonly pairs = new Map<string, [SmShare, SmShare]>();
  private readonly partitions: SmPartition[] = [];
  private wholeGpuStream: Stream | undefined;

  constructor(private readonly gpu: Gpu, private readonly granularity: number) {}

  /** A share of `sms` SMs. */
  share(sms: number): SmShare {
    let share = this.shares.get(sms);
    if (share) return share;
    const total = this.gpu.info.smCount;
    if (sms === total) {
      const stream = (this.wholeGpuStream = this.gpu.createStream());
      share = new SmShare(total, stream, () => this.gpu.createCublas({ smCountTarget: total }));
    } else if (sms % this.granularity === 0) {
      share = this.adopt(this.gpu.createSmPartitions([sms])[0]!, sms);
    } else {
      share = this.split(total - sms).remainder;
    }
    this.shares.set(sms, share);
    return share;
  }

  /** Ranks the unit groups a remainder takes (memoryGroups.ts), as a plan's runtime does; needed before split(). */
  async rankMemoryGroups(): Promise<void> {
    this.memoryGroups ??= await memoryGroupOrder(this.gpu, this.gpu.greenContextSupport().groupCount ?? 0);
  }

  /** One split of the GPU: a partition of `groupSms` and the remainder, made as a plan's runtime makes them. */
  split(groupSms: number): Split {
    let split = this.splits.get(groupSms);
    if (split) return split;
    if (!this.memoryGroups) throw new Error(`the memory groups of GPU ${this.gpu.ordinal} are used before they are ranked`);
    const remainderGroups = this.memoryGroups.slice(0, groupsLeft(this.gpu, [groupSms]));
    const [group, remainder] = this.gpu.createSmPartitions([groupSms], { includeRemainder: true, remainderGroups });
    split = { group: this.adopt(group!, groupSms), remainder: this.adopt(remainder!, this.gpu.info.smCount - groupSms) };
    this.splits.set(groupSms, split);
    return split;
  }

  /** Two disjoint partitions of one split, of `a` and `b` SMs (the rest of the GPU idle). */
  pair(a: number, b: number): [SmShare, SmShare] {
    const key = `${a}+${b}`;
    let pair = this.pairs.get(key);
    if (pair) return pair;
    const [first, second] = this.gpu.createSmPartitions([a, b]);
    pair = [this.adopt(first!, a), this.adopt(second!, b)];
    this.pairs.set(key, pair);
    return pair;
  }

  dispose(): void {
    const splitShares = [...this.splits.values()].flatMap((s) => [s.group, s.remainder]);
    for (const share of [...this.shares.values(), ...splitShares, ...[...this.pairs.values()].flat()]) share.dispose();
    for (const partition of this.partitions) partition.dispose();
    this.wholeGpuStream?.dispose();
  }

  private adopt(partition: SmPartition, expected: number): SmShare {
    this.partitions.push(partition);
    if (partition.smCount !== expected) {
      throw new Error(`asked the driver for a partition of ${expected} SMs on GPU ${this.gpu.ordinal} and was granted ${partition.smCount}`);
    }
    return new SmShare(partition.smCount, partition.stream, () => partition.createCublas());
  }
}
