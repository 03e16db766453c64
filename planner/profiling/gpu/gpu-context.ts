/** What measuring needs of one GPU: its SM shares, random data, our kernels and a gate, each made once. */
import { Gpu, type Stream } from "../../../runtime/gpu/index.js";
import { GemmOperands } from "./gemm-operands.js";
import { Gate } from "./gate.js";
import { NativeKernels } from "./native-kernels.js";
import { PartitionCache } from "./partitions.js";
import { RandomData } from "./random-data.js";

/** About 0.15 ms per GEMM on an H100. */
const WARM_UP_SHAPE = { n: 4096, k: 4096 };
const FIRST_WARM_UP_MS = 1000;
const WARM_UP_MS = 30;

export class GpuContext {
  readonly partitions: PartitionCache;
  readonly kernels: NativeKernels;
  readonly random: RandomData;
  /** For set-up work (fills, uploads) outside any partition. */
  readonly setupStream: Stream;
  private gatePromise: Promise<Gate> | undefined;
  private gate: Gate | undefined;
  private warmUpGemm: GemmOperands | undefined;

  constructor(readonly gpu: Gpu, granularity: number) {
    this.partitions = new PartitionCache(gpu, granularity);
    this.kernels = new NativeKernels(gpu);
    this.setupStream = gpu.createStream();
    this.random = new RandomData(gpu, this.setupStream);
  }

  static open(ordinal: number, granularity: number): GpuContext {
    return new GpuContext(Gpu.open(ordinal), granularity);
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
   * Keeps the GPU busy with GEMMs for a while before a measurement: an idle GPU runs at a low clock
   * and takes a moment to rise, which the first points after a pause (set-up between tables) would catch.
   */
  warmUp(): void {
    const ms = this.warmUpGemm ? WARM_UP_MS : FIRST_WARM_UP_MS;
    const whole = this.partitions.share(this.gpu.info.smCount);
    this.warmUpGemm ??= new GemmOperands(this.gpu, this.random, WARM_UP_SHAPE, WARM_UP_SHAPE.k);
    const start = performance.now();
    while (performance.now() - start < ms) {
      for (let rep = 0; rep < 8; rep++) this.warmUpGemm.queue(whole.stream, whole.cublas, WARM_UP_SHAPE.k, rep);
      whole.stream.synchronize();
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
