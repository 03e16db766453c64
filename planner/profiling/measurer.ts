/**
 * What the profile driver asks of the GPU, behind an interface so that the driver's logic
 * (checkpoints, resume, merging, assembly) runs and is tested on a CPU with a fake measurer. The
 * real one (gpu/gpu-measurer.ts) is imported only when a profile is measured, so the planner never
 * needs the addon.
 */
import type { AllReduceMethod } from "../model/all-reduce-method.js";
import type { ElementwiseKernel } from "../model/elementwise-kernels.js";
import type { GemmShape } from "../model/shard.js";
import type { AllReduceAttentionPoint, InterferencePoint, LaneSwitchProfile, SustainedLoadProfile } from "../profile/schema.js";
import type { ProfileSection } from "./sections.js";
import type { AttentionConfig } from "./targets.js";

/** The GPU and libraries measured on, for the profile's provenance. */
export interface DeviceFacts {
  name: string;
  sms: number;
  memoryGiB: number;
  computeCapability: string;
  /** Green-context partitions: the smallest, the step of their sizes, and the largest one split grants. */
  partition: { min: number; granularity: number; max: number };
  /** The GPUs used, by ordinal (the first one measures single-GPU tables). */
  ordinals: number[];
  driver?: string;
  cuda?: string;
  cublas?: string;
  nccl?: string;
  nvrtc?: string;
}

export interface MeasuredElementwise {
  bytesPerToken: number;
  /** "hidden 8192" */
  shape: string;
  timeUs: number[][];
}

export interface AttentionPoint {
  requests: number;
  context: number;
}

/** Reports progress within one measurement: `done` of `total` points. */
export type PointProgress = (done: number, total: number) => void;

/** Times are microseconds, medians of repetitions. */
export interface Measurer {
  readonly device: DeviceFacts;
  /** [tokens][sms]: C[tokens, n] = A[tokens, k] · W[n, k]^T. */
  gemm(shape: GemmShape, tokens: readonly number[], sms: readonly number[], progress: PointProgress): Promise<number[][]>;
  /** Why this attention configuration cannot be measured, or undefined when it can. */
  attentionUnsupported(config: AttentionConfig): string | undefined;
  /** [point][sms]. */
  decodeAttention(config: AttentionConfig, points: readonly AttentionPoint[], sms: readonly number[], progress: PointProgress): Promise<number[][]>;
  /** Bandwidth (read plus write, TB/s) of the small kernels by SM count, and their fixed cost. */
  elementwise(sms: readonly number[], progress: PointProgress): Promise<{ bandwidthTBs: number[]; launchUs: number }>;
  /** [tokens][sms] of one element-wise kernel at the shape it is measured at, and the bytes a row of that shape moves. */
  elementwiseTable(kernel: ElementwiseKernel, tokens: readonly number[], sms: readonly number[], progress: PointProgress): Promise<MeasuredElementwise>;
  /** [bytes][ctas] across the first `gpus` devices, summed by `method`. */
  allReduce(method: AllReduceMethod, gpus: number, bytes: readonly number[], ctas: readonly number[], progress: PointProgress): Promise<number[][]>;
  /** A GEMM of each of `gemmTokens` rows beside decode attention on the remainder of one split of each partnerSms: time together / time alone. */
  attentionInterference(partnerSms: readonly number[], gemmTokens: readonly number[], progress: PointProgress): Promise<InterferencePoint[]>;
  /** A GEMM on every device beside an all-reduce by `method` across them, on one split of each partnerSms: time together / time alone. */
  allReduceInterference(method: AllReduceMethod, partnerSms: readonly number[], progress: PointProgress): Promise<InterferencePoint[]>;
  /** An all-reduce by `method` across every device on `networkSms` SMs beside decode attention on `memorySms` of each: time together / time alone. */
  allReduceBesideAttention(method: AllReduceMethod, networkSms: readonly number[], memorySms: number, progress: PointProgress): Promise<AllReduceAttentionPoint[]>;
  /** What ordering work between lanes costs: between two partitions of a split, and between a split's partitions and the whole GPU. */
  laneSwitch(progress: PointProgress): Promise<LaneSwitchProfile>;
  /** How much slower a GEMM, decode attention and an element-wise kernel run on the whole GPU after half a second of the same than after idling. */
  sustainedLoad(progress: PointProgress): Promise<SustainedLoadProfile>;
  /** What a reader of the profile should know about how these sections were measured. */
  methodNotes(sections: readonly ProfileSection[]): string[];
  dispose(): void;
}
