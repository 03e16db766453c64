/**
 * Times for every kind of work the planner schedules, read from a profile by interpolation across
 * token count (or bytes) and SM count. Where the profile lacks the exact shape asked for, the
 * nearest one it has is scaled, and a note says so; the plan carries the notes.
 *
 * On the whole GPU work runs alone, so its time is the table's slowed by the profile's sustained-load
 * factors (a serving loop holds the GPU at its power limit, while tables are measured cool); a
 * GEMM between a pipelined plan's co-running phases runs hotter still (pipelinedWholeGpuGemmRatio). On a
 * partition work co-runs, and the interference factors, which carry those clocks, multiply the
 * table's time where the schedule is built (planner/schedule/build-problem.ts).
 */
import * as math from "mathjs";
import type { AllReduceMethod } from "../model/all-reduce-method.js";
import type { ElementwiseKernel } from "../model/elementwise-kernels.js";
import type { LaneSwitchCosts } from "../schedule/problem.js";
import { REFERENCE_INTERFERENCE_GEMM_TOKENS, type AllReduceAttentionPoint, type AllReduceTable, type DecodeAttentionTable, type GemmTable, type InterferencePoint, type Profile, type SustainedLoadProfile } from "./schema.js";
import { interpolate1d, interpolateGrid } from "./interpolate.js";

export interface DecodeAttentionShape {
  requests: number;
  context: number;
  kvHeads: number;
  groupSize: number;
  headDim: number;
}

export interface PrefillAttentionShape {
  tokens: number;
  context: number;
  qHeads: number;
  headDim: number;
}

/** What a GEMM co-runs with in a plan's split. */
export type Partner = "attention" | "allReduce";

/** What the profile measured of one all-reduce method. */
interface AllReduceMeasurements {
  tables: readonly AllReduceTable[];
  gemmWithAllReduce: readonly InterferencePoint[];
  allReduceWithAttention: readonly AllReduceAttentionPoint[];
}

export class CostModel {
  /** What had to be scaled or extrapolated, once each. */
  readonly notes = new Set<string>();
  private readonly allReduceByGpus = new Map<number, AllReduceTable>();
  private readonly allReduce: AllReduceMeasurements;
  private readonly sustained: SustainedLoadProfile;

  /** All-reduces are read from `allReduceMethod`'s measurements; the profile must have them (peer: profile.peerAllReduce). */
  constructor(
    readonly profile: Profile,
    readonly allReduceMethod: AllReduceMethod = "nccl",
  ) {
    if (allReduceMethod === "peer") {
      if (!profile.peerAllReduce) throw new Error(`the ${profile.provenance.gpu} profile has no peer all-reduce measurements (peerAllReduce)`);
      this.allReduce = profile.peerAllReduce;
    } else {
      const { gemmWithAllReduce, allReduceWithAttention } = profile.interference;
      this.allReduce = { tables: profile.allReduce, gemmWithAllReduce, allReduceWithAttention };
    }
    for (const table of this.allReduce.tables) this.allReduceByGpus.set(table.gpus, table);
    this.sustained = profile.sustainedLoad ?? { gemmFactor: 1, attentionFactor: 1, elementwiseFactor: 1 };
    // An analytic profile's times are from specs, at no particular clocks: nothing to add.
    if (!profile.sustainedLoad && profile.source === "measured") {
      this.notes.add(
        "the profile has no sustained-load measurements, so work alone on the whole GPU is timed at the clocks of the tables (measured cool), " +
          "not at a serving loop's power limit: add them with `nanoweave profile --only sustained-load --merge`",
      );
    } else if (profile.sustainedLoad && profile.sustainedLoad.pipelinedGemmFactor === undefined) {
      this.notes.add(
        "the profile's sustained-load section predates its pipelined GEMM factor, so a plan's whole-GPU GEMMs are timed at a sequential loop's clocks, " +
          "which runs cooler: add it with `nanoweave profile --only sustained-load --merge`",
      );
    }
  }

  /**
   * How much slower a GEMM alone on the whole GPU runs between a pipelined plan's co-running phases
   * than in a sequential loop (which gemmUs's whole-GPU times already carry); 1 where not measured.
   */
  pipelinedWholeGpuGemmRatio(): number {
    const { gemmFactor, pipelinedGemmFactor } = this.sustained;
    return pipelinedGemmFactor === undefined ? 1 : pipelinedGemmFactor / gemmFactor;
  }

  /**
   * How much faster a GEMM alone on the whole GPU runs in a sequential layer that spends
   * `networkShare` of its time in all-reduces than in the one-GPU sequential loop (which gemmUs's
   * whole-GPU times carry): the all-reduces draw little, so the clocks rise between the GEMMs.
   * Linear between the measured shares, held past the last; 1 where not measured.
   */
  sequentialWholeGpuGemmRatio(networkShare: number): number {
    const { gemmFactor, sequentialGemmFactors } = this.sustained;
    if (networkShare <= 0 || sequentialGemmFactors === undefined) {
      if (networkShare > 0 && this.profile.sustainedLoad) {
        this.notes.add(
          "the profile's sustained-load section predates its sequential GEMM factors, so a tensor-parallel sequential layer's GEMMs are timed " +
            "at a one-GPU loop's clocks, which run lower than between all-reduces: add them with `nanoweave profile --only sustained-load --merge`",
        );
      }
      return 1;
    }
    const points = [{ networkShare: 0, gemmFactor }, ...sequentialGemmFactors];
    return interpolateFactor(points, (p) => p.networkShare, (p) => p.gemmFactor, networkShare) / gemmFactor;
  }

  get sms(): number {
    return this.profile.provenance.sms;
  }

  gemmUs(n: number, k: number, tokens: number, sms: number): number {
    if (tokens <= 0) return 0;
    const table = this.gemmTable(n, k);
    const time = interpolateGrid([table.tokens, table.sms], table.timeUs, [tokens, sms]);
    return time * ((n * k) / (table.n * table.k)) * this.alone(sms, this.sustained.gemmFactor);
  }

  decodeAttentionUs(shape: DecodeAttentionShape, sms: number): number {
    if (shape.requests <= 0) return 0;
    const table = this.attentionTable(shape);
    const time = interpolateGrid([table.requests, table.context, table.sms], table.timeUs, [shape.requests, shape.context, sms]);
    // KV bytes, and so time, scale with the KV heads and head size read.
    return time * ((shape.kvHeads * shape.headDim) / (table.kvHeads * table.headDim)) * this.alone(sms, this.sustained.attentionFactor);
  }

  prefillAttentionUs(shape: PrefillAttentionShape, sms: number): number {
    if (shape.tokens <= 0) return 0;
    const { sms: axis, tflops } = this.profile.prefillAttention;
    const flops = 4 * shape.tokens * shape.context * shape.qHeads * shape.headDim;
    // Bound by compute, as a GEMM is: it slows as a GEMM does under sustained load.
    return flops / (interpolate1d(axis, tflops, sms) * 1e12) * 1e6 * this.alone(sms, this.sustained.gemmFactor);
  }

  /** Element-wise `kernel` over `tokens` rows that each move `bytesPerToken` (read plus write). */
  elementwiseUs(kernel: ElementwiseKernel, tokens: number, bytesPerToken: number, sms: number): number {
    if (tokens <= 0) return 0;
    const { sms: axis, bandwidthTBs, launchUs, tables } = this.profile.elementwise;
    const table = tables?.find((t) => t.kernel === kernel);
    const time = table
      ? interpolateGrid([table.tokens, table.sms], table.timeUs, [(tokens * bytesPerToken) / table.bytesPerToken, sms])
      : launchUs + (tokens * bytesPerToken) / (interpolate1d(axis, bandwidthTBs, sms) * 1e12) * 1e6;
    return time * this.alone(sms, this.sustained.elementwiseFactor);
  }

  /** All-reduce of `bytes` across `gpus` GPUs on `ctas` SMs of each (NCCL: confined to as many CTAs). */
  allReduceUs(bytes: number, gpus: number, ctas: number): number {
    if (gpus <= 1 || bytes <= 0) return 0;
    const table = this.allReduceTable(gpus);
    return interpolateGrid([table.bytes, table.ctas], table.timeUs, [bytes, ctas]);
  }

  /**
   * Slowdown of a GEMM of `gemmTokens` rows, and of an element-wise kernel in its place, on `gemmSms`
   * SMs beside attention or an all-reduce: read at the partner's `partnerSms` where given, else at
   * the points whose GEMM held as many SMs.
   */
  besidePartner(partner: Partner, gemmSms: number, gemmTokens: number, partnerSms?: number): { gemmFactor: number; elementwiseFactor: number } {
    const points = this.interferencePoints(partner);
    const [smsOf, sms] =
      partnerSms === undefined
        ? [(p: InterferencePoint): number => p.gemmSms ?? this.sms - p.partnerSms, gemmSms]
        : [(p: InterferencePoint): number => p.partnerSms, partnerSms];
    const gemmFactor = interpolateInterference(points, smsOf, (p) => p.gemmFactor, sms, gemmTokens);
    const elementwise = points.filter((p) => p.elementwiseFactor !== undefined);
    return {
      gemmFactor,
      elementwiseFactor: elementwise.length > 0 ? interpolateInterference(elementwise, smsOf, (p) => p.elementwiseFactor!, sms, gemmTokens) : gemmFactor,
    };
  }

  /**
   * Slowdown of attention on `partnerSms` SMs beside an element-wise kernel on the SMs it leaves
   * (linear in SMs, held past the ends); undefined where the profile has not measured it.
   */
  partnerBesideElementwise(partner: Partner, partnerSms: number): number | undefined {
    const measured = this.interferencePoints(partner).filter((p) => p.partnerElementwiseFactor !== undefined);
    return measured.length > 0 ? interpolateFactor(measured, (p) => p.partnerSms, (p) => p.partnerElementwiseFactor!, partnerSms) : undefined;
  }

  /** Slowdown of attention or an all-reduce on `partnerSms` SMs beside GEMMs of `gemmTokens` rows. */
  partnerBesideGemm(partner: Partner, partnerSms: number, gemmTokens: number): number {
    return interpolateInterference(this.interferencePoints(partner), (p) => p.partnerSms, (p) => p.partnerFactor, partnerSms, gemmTokens);
  }

  /** Slowdown of an all-reduce on `networkSms` SMs beside decode attention. */
  allReduceBesideAttentionFactor(networkSms: number): number {
    return interpolateFactor(this.allReduce.allReduceWithAttention, (p) => p.networkSms, (p) => p.allReduceFactor, networkSms);
  }

  /**
   * Slowdown of decode attention beside an all-reduce: the largest measured, since the attention's
   * time is asked for without the network share of its layout.
   */
  attentionBesideAllReduceFactor(): number {
    return Math.max(...this.allReduce.allReduceWithAttention.map((p) => p.attentionFactor));
  }

  /**
   * What ordering work between lanes costs in a split of `lanes` partitions: the measured split of
   * that many, else the nearest one measured (noted); none, noted, where the profile has no measurement.
   */
  laneSwitchCosts(lanes: number): LaneSwitchCosts | undefined {
    const measured = this.profile.laneSwitch;
    if (!measured) {
      this.notes.add("the profile has no lane-switch measurements, so the plan prices ordering work across lanes at nothing: add them with `nanoweave profile --only lane-switch --merge`");
      return undefined;
    }
    const nearest = measured.wholeGpu.reduce((a, b) => (Math.abs(b.lanes - lanes) < Math.abs(a.lanes - lanes) ? b : a));
    if (nearest.lanes !== lanes) this.notes.add(`lane switches of a split into ${lanes} partitions not measured: those of ${nearest.lanes} used`);
    return { crossLaneUs: measured.crossLaneUs, wholeGpuUs: nearest.switchUs };
  }

  /** The GPU counts whose all-reduce the profile measured rather than extrapolated. */
  measuredAllReduceGpus(): number[] {
    return this.allReduce.tables.filter((t) => !t.extrapolatedFrom).map((t) => t.gpus);
  }

  /** `factor` for work on the whole GPU (alone, at sustained load), 1 on a partition (its co-run factors carry it). */
  private alone(sms: number, factor: number): number {
    return sms >= this.sms ? factor : 1;
  }

  private interferencePoints(partner: Partner): readonly InterferencePoint[] {
    return partner === "attention" ? this.profile.interference.gemmWithAttention : this.allReduce.gemmWithAllReduce;
  }

  private gemmTable(n: number, k: number): GemmTable {
    const exact = this.profile.gemm.find((t) => t.n === n && t.k === k);
    if (exact) return exact;
    if (this.profile.gemm.length === 0) throw new Error(`profile has no GEMM tables (needed for ${n}x${k})`);
    const distance = (t: GemmTable): number => Math.abs(Math.log(t.n / n)) + Math.abs(Math.log(t.k / k));
    const nearest = this.profile.gemm.reduce((a, b) => (distance(b) < distance(a) ? b : a));
    this.notes.add(`GEMM ${n}x${k} not profiled: scaled by FLOPs from ${nearest.n}x${nearest.k}`);
    return nearest;
  }

  private attentionTable(shape: DecodeAttentionShape): DecodeAttentionTable {
    const tables = this.profile.decodeAttention;
    const exact = tables.find((t) => t.headDim === shape.headDim && t.groupSize === shape.groupSize && t.kvHeads === shape.kvHeads);
    if (exact) return exact;
    const sameKernel = tables.filter((t) => t.headDim === shape.headDim && t.groupSize === shape.groupSize);
    const candidates = sameKernel.length > 0 ? sameKernel : tables;
    const nearest = candidates.reduce((a, b) =>
      Math.abs(Math.log(b.groupSize / shape.groupSize)) < Math.abs(Math.log(a.groupSize / shape.groupSize)) ? b : a,
    );
    this.notes.add(
      `decode attention with ${shape.kvHeads} KV heads x group ${shape.groupSize} x dim ${shape.headDim} not profiled: ` +
        `scaled by KV bytes from ${nearest.kvHeads} x ${nearest.groupSize} x ${nearest.headDim}`,
    );
    return nearest;
  }

  private allReduceTable(gpus: number): AllReduceTable {
    const cached = this.allReduceByGpus.get(gpus);
    if (cached) return cached;
    const table = extrapolateAllReduce(this.allReduce.tables, gpus);
    this.notes.add(
      `${this.allReduceMethod === "peer" ? "peer all-reduce" : "all-reduce"} at ${gpus} GPUs not measured: extrapolated from ${table.extrapolatedFrom!.join(" and ")} GPUs ` +
        "with a latency + bytes·2(g-1)/g / bandwidth fit",
    );
    this.allReduceByGpus.set(gpus, table);
    return table;
  }
}

/** A measured factor at `x` (SMs, or a share of time), linear between the points and not extrapolated past them. */
function interpolateFactor<T>(points: readonly T[], xOf: (point: T) => number, factorOf: (point: T) => number, x: number): number {
  const sorted = [...points].sort((a, b) => xOf(a) - xOf(b));
  const axis = sorted.map(xOf);
  return interpolate1d(axis, sorted.map(factorOf), Math.min(Math.max(x, axis[0]!), axis.at(-1)!));
}

/**
 * An interference factor at `sms` (as `smsOf` reads a point's) beside a GEMM of `gemmTokens` rows:
 * linear in SMs among the points of each measured row count, then, between the row counts around
 * `gemmTokens`, linear in their logarithm (they are measured doubling); held past either end.
 * A GEMM of fewer rows reads its weights as fast or faster, so neither it nor attention slows less
 * beside it: the factor at a row count is the largest at that count or more. (Measured dips, 7% at
 * most on an H200, are within what the same point differs by between machines.)
 */
function interpolateInterference(
  points: readonly InterferencePoint[],
  smsOf: (point: InterferencePoint) => number,
  factorOf: (point: InterferencePoint) => number,
  sms: number,
  gemmTokens: number,
): number {
  const byTokens = new Map<number, InterferencePoint[]>();
  for (const point of points) {
    const tokens = point.gemmTokens ?? REFERENCE_INTERFERENCE_GEMM_TOKENS;
    byTokens.set(tokens, [...(byTokens.get(tokens) ?? []), point]);
  }
  const measured = [...byTokens.keys()].sort((a, b) => a - b);
  const factors = measured.map((tokens) => interpolateFactor(byTokens.get(tokens)!, smsOf, factorOf, sms));
  for (let i = factors.length - 2; i >= 0; i--) factors[i] = Math.max(factors[i]!, factors[i + 1]!);
  return interpolateFactor(
    measured.map((tokens, i) => ({ log: Math.log2(tokens), factor: factors[i]! })),
    (p) => p.log,
    (p) => p.factor,
    Math.log2(gemmTokens),
  );
}

/**
 * A ring all-reduce moves bytes·2(g-1)/g through each GPU's links: fit, for every CTA count,
 * time = latency + slope·bytes·2(g-1)/g + perGpu·(g-1) by least squares over the measured GPU
 * counts, and evaluate it at `gpus`. With one measured count the per-GPU latency term is dropped.
 */
export function extrapolateAllReduce(tables: readonly AllReduceTable[], gpus: number): AllReduceTable {
  const measured = tables.filter((t) => !t.extrapolatedFrom);
  if (measured.length === 0) throw new Error(`profile has no measured all-reduce to extrapolate to ${gpus} GPUs`);
  const reference = measured.reduce((a, b) => (Math.abs(b.gpus - gpus) < Math.abs(a.gpus - gpus) ? b : a));
  const counts = [...new Set(measured.map((t) => t.gpus))];
  const timeUs = reference.bytes.map((bytes) =>
    reference.ctas.map((ctas) => {
      const rows: number[][] = [];
      const targets: number[] = [];
      for (const table of measured) {
        for (const b of table.bytes) {
          const time = interpolateGrid([table.bytes, table.ctas], table.timeUs, [b, ctas]);
          rows.push(features(b, table.gpus, counts.length > 1));
          targets.push(time);
        }
      }
      const coefficients = leastSquares(rows, targets);
      const predicted = math.dot(coefficients, features(bytes, gpus, counts.length > 1));
      // Never faster than the nearest measurement: more GPUs only add ring steps.
      const nearest = interpolateGrid([reference.bytes, reference.ctas], reference.timeUs, [bytes, ctas]);
      return gpus > reference.gpus ? Math.max(predicted, nearest) : Math.max(predicted, 1e-3);
    }),
  );
  return { gpus, bytes: reference.bytes, ctas: reference.ctas, timeUs, extrapolatedFrom: counts.sort((a, b) => a - b) };
}

function features(bytes: number, gpus: number, withPerGpu: boolean): number[] {
  const ring = (bytes * 2 * (gpus - 1)) / gpus;
  return withPerGpu ? [1, ring, gpus - 1] : [1, ring];
}

/** Solves min |A x - b| through the normal equations (A^T A) x = A^T b. */
function leastSquares(rows: number[][], targets: number[]): number[] {
  const A = math.matrix(rows);
  const At = math.transpose(A);
  const solution = math.lusolve(math.multiply(At, A), math.multiply(At, math.matrix(targets)));
  return (math.flatten(solution) as math.Matrix).toArray() as number[];
}
