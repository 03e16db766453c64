/**
 * A Measurer that answers from a roofline instead of a GPU, so the profile driver (checkpoints,
 * resume, merging, validation) can be tested on a CPU. It counts its measurements and can be told
 * to fail at the n-th one, as a GPU fault or an interruption would.
 */
import type { GemmShape } from "../../planner/model/shard.js";
import type { ElementwiseKernel } from "../../planner/model/elementwise-kernels.js";
import type { AllReduceMethod } from "../../planner/model/all-reduce-method.js";
import type { AttentionPoint, DeviceFacts, MeasuredElementwise, Measurer } from "../../planner/profiling/measurer.js";
import { methodNote, type ProfileSection } from "../../planner/profiling/sections.js";
import type { AttentionConfig } from "../../planner/profiling/targets.js";
import type { AllReduceAttentionPoint, InterferencePoint, LaneSwitchProfile, SustainedLoadProfile } from "../../planner/profile/schema.js";

export interface FakeMeasurerOptions {
  gpus?: number;
  name?: string;
  /** Throw on this measurement (1-based), counting every method that measures. */
  failAt?: number;
  /** Every time this value (e.g. NaN), to test validation. */
  constantTime?: number;
  /** What the method notes say about how each section was measured. */
  method?: string;
}

export class FakeMeasurer implements Measurer {
  readonly device: DeviceFacts;
  /** Measurements made, by kind. */
  readonly calls: string[] = [];
  disposed = false;

  constructor(private readonly options: FakeMeasurerOptions = {}) {
    this.device = {
      name: options.name ?? "NVIDIA H100 80GB HBM3",
      sms: 132,
      memoryGiB: 79.19,
      computeCapability: "9.0",
      partition: { min: 8, granularity: 8, max: 120 },
      ordinals: Array.from({ length: options.gpus ?? 1 }, (_, i) => i),
      driver: "580.159.04",
      cuda: "13.0",
      cublas: "13.1.0",
      nccl: "2.28.3",
      nvrtc: "13.0",
    };
  }

  async gemm(shape: GemmShape, tokens: readonly number[], sms: readonly number[]): Promise<number[][]> {
    this.count(`gemm ${shape.n}x${shape.k}`);
    return tokens.map((t) => sms.map((s) => this.time(5 + (2 * t * shape.n * shape.k) / (6e6 * s))));
  }

  attentionUnsupported(config: AttentionConfig): string | undefined {
    return config.groupSize > 8 ? "the fake kernel handles at most 8 query heads per KV head" : undefined;
  }

  async decodeAttention(config: AttentionConfig, points: readonly AttentionPoint[], sms: readonly number[]): Promise<number[][]> {
    this.count(`attention ${config.kvHeads}/${config.groupSize}`);
    return points.map((p) => sms.map((s) => this.time(4 + (p.requests * p.context * config.kvHeads * 512) / (30e3 * Math.min(s, 48)))));
  }

  async elementwise(sms: readonly number[]): Promise<{ bandwidthTBs: number[]; launchUs: number }> {
    this.count("elementwise");
    return { bandwidthTBs: sms.map((s) => this.time(Math.min(3, s / 16))), launchUs: 2.5 };
  }

  async elementwiseTable(kernel: ElementwiseKernel, tokens: readonly number[], sms: readonly number[]): Promise<MeasuredElementwise> {
    this.count(`elementwise ${kernel}`);
    const bytesPerToken = 32768;
    return { bytesPerToken, shape: "fake", timeUs: tokens.map((t) => sms.map((s) => this.time(2.5 + (t * bytesPerToken) / (1e6 * Math.min(3, s / 16))))) };
  }

  /** The fake peer all-reduce is half NCCL's time, and slowed less beside attention. */
  async allReduce(method: AllReduceMethod, gpus: number, bytes: readonly number[], ctas: readonly number[]): Promise<number[][]> {
    this.count(`${method} allreduce ${gpus}`);
    const scale = method === "peer" ? 0.5 : 1;
    return bytes.map((b) => ctas.map((c) => this.time(scale * (10 + b / (c * 1e4)))));
  }

  /** The fake GEMM is slowed more the fewer its rows. */
  async attentionInterference(partnerSms: readonly number[], gemmTokens: readonly number[]): Promise<InterferencePoint[]> {
    this.count("interference attention");
    return partnerSms.flatMap((s) =>
      gemmTokens.map((tokens, i) => ({
        partnerSms: s,
        gemmFactor: 1.05 + 64 / tokens,
        partnerFactor: this.time(1.1),
        gemmTokens: tokens,
        ...(i === gemmTokens.length - 1 ? { elementwiseFactor: 1.6 } : {}),
      })),
    );
  }

  async allReduceInterference(method: AllReduceMethod, partnerSms: readonly number[]): Promise<InterferencePoint[]> {
    this.count(`interference ${method}`);
    return partnerSms.map((s) => ({ partnerSms: s, gemmFactor: 1.05, partnerFactor: this.time(1.1) }));
  }

  async allReduceBesideAttention(method: AllReduceMethod, networkSms: readonly number[], memorySms: number): Promise<AllReduceAttentionPoint[]> {
    this.count(`${method} allreduce beside attention`);
    return networkSms.map((s) => ({ networkSms: s, memorySms, allReduceFactor: this.time(method === "peer" ? 1.1 : 1.4), attentionFactor: 1.02 }));
  }

  async laneSwitch(): Promise<LaneSwitchProfile> {
    this.count("lane switch");
    return { crossLaneUs: this.time(0.9), wholeGpu: [{ lanes: 2, switchUs: this.time(2.2) }, { lanes: 3, switchUs: this.time(2.6) }] };
  }

  async sustainedLoad(): Promise<SustainedLoadProfile> {
    this.count("sustained load");
    return { gemmFactor: this.time(1.12), pipelinedGemmFactor: this.time(1.2), attentionFactor: this.time(1.02), elementwiseFactor: this.time(1.01) };
  }

  methodNotes(sections: readonly ProfileSection[]): string[] {
    return sections.map((section) => methodNote(section, `fake ${this.options.method ?? "method"}`));
  }

  dispose(): void {
    this.disposed = true;
  }

  private count(what: string): void {
    this.calls.push(what);
    if (this.calls.length === this.options.failAt) throw new Error(`fake GPU fault at ${what}`);
  }

  private time(value: number): number {
    return this.options.constantTime ?? Math.round(value * 1000) / 1000;
  }
}
