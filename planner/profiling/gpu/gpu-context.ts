/** What measuring needs of one GPU: its SM shares, random data, our kernels and a gate, each made once. */
import { Gpu, type Stream } from "../../../runtime/gpu/index.js";
import { smallestSplit } from "../grid.js";
import { GemmOperands } from "./gemm-operands.js";
import { Gate } from "./gate.js";
import { NativeKernels } from "./native-kernels.js";
import { PartitionCache } from "./partitions.js";
import { RandomData } from "./random-data.js";

/** About 0.6 ms per GEMM on 8 SMs of an H100 at 1024 tokens (1024 x 8192 x 8192 takes 2.3 ms there). */
const WARM_UP_SHAPE = { n: 4096, k: 4096 };
const WARM_UP_TOKENS = 1024;
/**
 * Long enough for a power limiter that the previous measurement tripped to let the clocks go back
 * up: 100-300 ms on an H100 (bench/results/2026-11-21-session15-warm-up/).
 */
const WARM_UP_MS = 300;

export class GpuContext {
  readonly partitions: PartitionCache;
  readonly kernels: NativeKernels;
  readonly random: RandomData;
  /** For set-up work (fills, uploads) outside any partition. */
  readonly setupStream: Stream;
  private gatePromise: Promise<Gate> | undefined;
  private gate: Gate | undefined;
  private warmUpGemm: GemmOperands | undefined;

  /** The smallest partition the driver grants. */
  private readonly smallestShare: number;

  constructor(readonly gpu: Gpu, partition: { min: number; granularity: number }) {
    this.partitions = new PartitionCache(gpu, partition.granularity);
    this.smallestShare = smallestSplit(partition);
    this.kernels = new NativeKernels(gpu);
    this.setupStream = gpu.createStream();
    this.random = new RandomData(gpu, this.setupStream);
  }

  static open(ordinal: number, partition: { min: number; granularity: number }): GpuContext {
    return new GpuContext(Gpu.open(ordinal), partition);
  }

  /** The gate, made (and calibrated) on first use. */
  async readyGate(): Promise<Gate> {
    this.gatePromise ??= Gate.create(this.gpu, this.kernels).then((gate) => (this.gate = gate));
    return this.gatePromise;
  }

  /** The gate once readyGate() has made it. */
  madeGate(): Gate {
    if (!this.gate) throw new Error(`the gate of GPU ${this.gpu.ordinal} is used before it is made`);
    return this.gate;
  }

  /**
   * Brings the clocks to where a short measurement finds them on a GPU that is not at its power
   * limit: an idle GPU runs at a low clock and takes a moment to rise, and a GPU just out of heavy work
   * (the previous table's whole-GPU points) is held down by the power limiter for a while after. So,
   * before each measurement, GEMMs on the smallest partition, which keep the clocks up and draw far
   * below the limit. A warm-up on the whole GPU would trip the limiter itself: after 30 ms of it, the
   * next 100 ms of points on 8 SMs of an H100 ran up to 27% slow.
   */
  warmUp(): void {
    const small = this.partitions.share(this.smallestShare);
    this.warmUpGemm ??= new GemmOperands(this.gpu, this.random, WARM_UP_SHAPE, WARM_UP_TOKENS);
    const start = performance.now();
    while (performance.now() - start < WARM_UP_MS) {
      for (let rep = 0; rep < 8; rep++) this.warmUpGemm.queue(small.stream, small.cublas, WARM_UP_TOKENS, rep);
      small.stream.synchronize();
    }
  }

  dispose(): void {
    this.warmUpGemm?.dispose();
    this.gate?.dispose();
    this.partitions.dispose();
    this.random.dispose();
    this.setupStream.dispose();
    this.gpu.dispose();
  }
}
