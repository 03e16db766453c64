/**
 * SM partitions: streams whose kernels run on a set share of the GPU's SMs. With green contexts
 * (driver API) the driver confines them and the granted SM count is read back; without, the
 * partitions are plain streams with no confinement, recorded as such, and the requested SM count
 * only steers cuBLAS (its SM count target).
 */
import type { NativeGreenPartition } from "../binding/AddonTypes.js";
import type { Cublas } from "./Cublas.js";
import { GpuResource } from "./GpuResource.js";
import type { Gpu } from "./Gpu.js";
import { Stream } from "./Stream.js";
import { expectArray, expectBoolean, expectInteger } from "./validate.js";

export interface SmPartitionOptions {
  /** Also make a partition of the SMs left after the requested ones (112 + the other 20). */
  includeRemainder?: boolean;
  /** Split in 2-SM units instead of the coscheduling alignment (8 on Hopper); loses big clusters. */
  ignoreCoscheduling?: boolean;
  /** Priority of each partition's first stream; lower numbers run first. */
  streamPriority?: number;
  /**
   * Unit groups of the device's split (indices below greenContextSupport().groupCount) that the
   * remainder partition takes besides the leftover SMs; the sized partitions take the others in
   * order. Without them the remainder is whatever the sized partitions leave (memoryGroups.ts says
   * why that can read a third slower).
   */
  remainderGroups?: readonly number[];
}

export type SmIsolation = "green-context" | "none";

/** One partition: its first stream, and the SM count it was granted. */
export class SmPartition {
  /** @internal */
  constructor(
    readonly gpu: Gpu,
    /** SMs asked for; for the remainder partition, the SMs that were left. */
    readonly requestedSms: number,
    /** SMs granted (read back from the green context); without green contexts, the request. */
    readonly smCount: number,
    readonly stream: Stream,
    readonly isolation: SmIsolation,
    /** Why there is no confinement, when isolation is "none". */
    readonly fallbackReason: string | undefined,
    private readonly green: GreenPartitionHandle | undefined,
  ) {}

  /** Another stream on the same SMs. */
  createStream(priority = 0): Stream {
    expectInteger(priority, "the stream priority", -1000, 1000);
    if (!this.green) return this.gpu.createStream({ priority });
    return new Stream(this.green.nativeFor("createStream()").createStream(priority), this.gpu);
  }

  /** A cuBLAS handle whose SM count target is this partition's SM count (one per partition). */
  createCublas(options: { workspaceBytes?: number } = {}): Cublas {
    return this.gpu.createCublas({ ...options, smCountTarget: this.smCount });
  }

  /** Disposes the first stream and this partition's hold on the green context. */
  dispose(): void {
    this.stream.dispose();
    this.green?.dispose();
  }
}

class GreenPartitionHandle extends GpuResource<NativeGreenPartition> {
  readonly kind = "SmPartition";
  constructor(native: NativeGreenPartition) {
    super(native);
  }
}

/**
 * Splits gpu's SMs into partitions of the requested sizes, in order (each rounded up to the
 * driver's unit, 8 SMs on Hopper), plus one of the SMs left if asked (112 + 20 on 132 SMs).
 */
export function createSmPartitions(gpu: Gpu, sizes: readonly number[], options: SmPartitionOptions = {}): SmPartition[] {
  const total = gpu.info.smCount;
  const includeRemainder = expectBoolean(options.includeRemainder ?? false, "options.includeRemainder");
  // With a remainder, no sized partition is needed: the leftover SMs, with or without groups, alone.
  const requested = expectArray(sizes, "the partition sizes", (size, role) => expectInteger(size, role, 1, total), includeRemainder ? 0 : 1);
  const ignoreCoscheduling = expectBoolean(options.ignoreCoscheduling ?? false, "options.ignoreCoscheduling");
  const priority = expectInteger(options.streamPriority ?? 0, "options.streamPriority", -1000, 1000);
  const sum = requested.reduce((a, b) => a + b, 0);
  if (sum > total) throw new RangeError(`Expected partition sizes adding up to at most ${total} SMs for the partition sizes but received ${requested.join(" + ")} = ${sum}`);

  const support = gpu.greenContextSupport();
  const remainderGroups = expectArray(options.remainderGroups ?? [], "options.remainderGroups", (group, role) =>
    expectInteger(group, role, 0, Math.max(0, (support.groupCount ?? 0) - 1)),
  );
  if (remainderGroups.length > 0) {
    if (!includeRemainder) throw new RangeError("options.remainderGroups needs options.includeRemainder: the groups go to the remainder partition");
    if (ignoreCoscheduling) throw new RangeError("options.remainderGroups index the split into coscheduled groups; it cannot be combined with options.ignoreCoscheduling");
    if (new Set(remainderGroups).size !== remainderGroups.length) throw new RangeError(`Expected distinct groups for options.remainderGroups but received ${remainderGroups.join(", ")}`);
  }
  if (!support.supported) {
    const reason = support.reason ?? "green contexts are unsupported";
    const plain = (smCount: number) => new SmPartition(gpu, smCount, smCount, gpu.createStream({ priority }), "none", reason, undefined);
    const partitions = requested.map(plain);
    if (includeRemainder && total > sum) partitions.push(plain(total - sum));
    return partitions;
  }
  const natives = gpu.nativeFor("createSmPartitions()").createGreenPartitions([...requested], includeRemainder, ignoreCoscheduling, [...remainderGroups]);
  return natives.map((native, index) => {
    const handle = new GreenPartitionHandle(native);
    const granted = native.smCount;
    const stream = new Stream(native.createStream(priority), gpu);
    return new SmPartition(gpu, requested[index] ?? granted, granted, stream, "green-context", undefined, handle);
  });
}
