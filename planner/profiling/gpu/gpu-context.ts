/** What measuring needs of one GPU: its SM shares, random data, our kernels and a gate, each made once. */
import { Gpu, type Stream } from "../../../runtime/gpu/index.js";
import { Gate } from "./gate.js";
import { NativeKernels } from "./native-kernels.js";
import { PartitionCache } from "./partitions.js";
import { RandomData } from "./random-data.js";

export class GpuContext {
  readonly partitions: PartitionCache;
  readonly kernels: NativeKernels;
  readonly random: RandomData;
  /** For set-up work (fills, uploads) outside any partition. */
  readonly setupStream: Stream;
  private gatePromise: Promise<Gate> | undefined;
  private gate: Gate | undefined;

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

  dispose(): void {
    this.gate?.dispose();
    this.partitions.dispose();
    this.random.dispose();
    this.setupStream.dispose();
    this.gpu.dispose();
  }
}
