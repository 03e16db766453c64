/**
 * Measures, for every GEMM launch of a plan (gemmLaunches.ts), which cuBLASLt algorithm is fastest
 * where the launch runs, and makes the GEMM algorithm table the runtime takes. cuBLAS's heuristic
 * knows a partition's SM count but not that attention runs beside it, and beside attention its pick
 * can be well off the best (session 17: the down GEMM 1.18x slower on an H100).
 *
 * Per launch: every candidate cuBLASLt accepts is screened alone (one graph run each); the fastest
 * few whose product matches cuBLAS's pick (cublasLtMatmulAlgoCheck passes a few that compute wrong
 * results) are timed with cuBLAS's pick the way the profiler times, on the plan's own partitions:
 * alone, or in sustained co-run windows beside the plan's attention on its memory partition. The
 * fastest is chosen where it beats cuBLAS's pick; inSituSelection.ts then chooses among the window
 * winners by the plan's own iteration time.
 */
import type { Plan } from "../../planner/plan/schema.js";
import type { GpuContext } from "../../planner/profiling/gpu/gpu-context.js";
import { AttentionOperands } from "../../planner/profiling/gpu/attention-operands.js";
import { GemmOperands } from "../../planner/profiling/gpu/gemm-operands.js";
import { SmShare } from "../../planner/profiling/gpu/partitions.js";
import { WorkTimer } from "../../planner/profiling/gpu/timer.js";
import type { Workload } from "../../planner/profiling/gpu/workload.js";
import { kvBytes } from "../../planner/profiling/attention-grid.js";
import { disposeInReverse, own } from "../owned.js";
import { PlanPartitions } from "../engine/lanes.js";
import type { DeviceArray, GemmAlgorithm } from "../gpu/index.js";
import { GEMM_ALGORITHM_TABLE_SCHEMA, GemmAlgorithmTableSchema, type GemmAlgorithmEntry, type GemmAlgorithmTable } from "../gemmAlgorithmTable.js";
import { modelShapeOf } from "../model/modelShape.js";
import { planGemmLaunches, type GemmLaunch } from "./gemmLaunches.js";

/** A product further than this from cuBLAS's pick (relative L2 error) is a wrong algorithm, not rounding. */
const PRODUCT_TOLERANCE = 1e-2;
/** cuBLASLt's own picks asked for ahead of the sweep. */
const HEURISTIC_PICKS = 8;

export interface TuneOptions {
  /** Candidates timed in full after the screen, besides cuBLAS's pick. */
  finalists: number;
  onProgress?: (message: string) => void;
}

/** A candidate timed where its launch runs (us) and alone on its SMs. */
export interface TimedAlgorithm {
  algorithm: string;
  config: GemmAlgorithmEntry["config"];
  us: number;
  aloneUs: number;
}

/** What was found for one launch. */
export interface LaunchTuning {
  launch: GemmLaunch;
  candidates: number;
  /** Candidates skipped because their product differs from cuBLAS's pick. */
  wrongProducts: number;
  /** cuBLAS's pick: where the launch runs, and alone on its SMs. */
  defaultUs: number;
  defaultAloneUs: number;
  /** The finalists, measured the same way, fastest first. */
  finalists: TimedAlgorithm[];
  /** The finalist the table uses, or undefined for cuBLAS's pick: the fastest, where it beats the pick, until chosen in situ. */
  chosen: TimedAlgorithm | undefined;
}

/** Measures every launch of the plan on `ctx`'s GPU and chooses each one's fastest finalist. */
export async function tuneGemmAlgorithms(ctx: GpuContext, plan: Plan, planName: string, options: TuneOptions): Promise<LaunchTuning[]> {
  const launches = planGemmLaunches(plan);
  const owned: { dispose(): void }[] = [];
  try {
    await ctx.readyGate();
    await ctx.partitions.rankMemoryGroups();
    const timer = own(owned, new WorkTimer(() => ctx.madeGate()));
    const partitions = await PlanPartitions.create(ctx.gpu, plan, planName);
    if (partitions) owned.push(partitions);
    const shares = new SharesOfPlan(ctx, partitions);
    owned.push(shares);
    const attention = launches.some((launch) => launch.beside === "attention") ? own(owned, await planAttention(ctx, plan, launches)) : undefined;
    const results: LaunchTuning[] = [];
    for (const [index, launch] of launches.entries()) {
      const started = performance.now();
      const result = tuneLaunch(ctx, timer, shares, attention, launch, options.finalists);
      results.push(result);
      options.onProgress?.(`[${index + 1}/${launches.length}] ${describeLaunch(launch)}: ${describeResult(result)} (${((performance.now() - started) / 1000).toFixed(1)} s)`);
    }
    return results;
  } finally {
    disposeInReverse(owned);
  }
}

/** The table of the chosen algorithms, for the GPU model and cuBLAS version of `machine`. */
export function gemmAlgorithmTable(tunings: readonly LaunchTuning[], machine: { gpu: string; cublas: string }, command: string): GemmAlgorithmTable {
  return GemmAlgorithmTableSchema.parse({ schema: GEMM_ALGORITHM_TABLE_SCHEMA, ...machine, createdAt: new Date().toISOString(), command, entries: chosenEntries(tunings) });
}

/** An entry for each launch with a chosen algorithm. */
export function chosenEntries(tunings: readonly LaunchTuning[]): GemmAlgorithmEntry[] {
  return tunings.flatMap((tuning) => (tuning.chosen ? [entryOf(tuning, tuning.chosen)] : []));
}

export function describeLaunch(launch: GemmLaunch): string {
  return `${launch.kind} ${launch.n}x${launch.k}, ${launch.rows} rows on ${launch.sms} SMs${launch.beside === "attention" ? " beside attention" : ""}`;
}

export function describeAlgorithm({ config }: TimedAlgorithm): string {
  return `cuBLASLt algo ${config.id}, tile ${config.tile}, stages ${config.stages}, cluster shape ${config.cluster}`;
}

function describeResult(result: LaunchTuning): string {
  const best = result.finalists[0]!;
  return result.chosen
    ? `${result.defaultUs.toFixed(1)} -> ${best.us.toFixed(1)} us (${(result.defaultUs / best.us).toFixed(3)}x, ${describeAlgorithm(best)})`
    : `cuBLAS's pick kept, ${result.defaultUs.toFixed(1)} us (best other ${best.us.toFixed(1)} us)`;
}

/** The SM shares a plan's GEMMs run on: its own split's partitions, or the whole GPU. */
class SharesOfPlan {
  private readonly made = new Map<string, SmShare>();

  constructor(private readonly ctx: GpuContext, private readonly partitions: PlanPartitions | undefined) {}

  /** Where `launch` runs: the plan's compute partition where its SM target is that partition's. */
  gemmShare(launch: GemmLaunch): SmShare {
    const compute = this.partitions?.byCategory.get("compute");
    if (compute && launch.sms === compute.smCount) return this.shareOf("compute", compute);
    if (launch.sms === this.ctx.gpu.info.smCount) return this.ctx.partitions.share(launch.sms);
    throw new Error(`a GEMM on ${launch.sms} SMs: the plan's split has no compute partition of that size`);
  }

  /** The plan's memory partition, where its attention runs. */
  attentionShare(): SmShare {
    const memory = this.partitions?.byCategory.get("memory");
    if (!memory) throw new Error("the plan's split has no memory partition for attention");
    return this.shareOf("memory", memory);
  }

  dispose(): void {
    for (const share of this.made.values()) share.dispose();
  }

  private shareOf(category: string, partition: { smCount: number; stream: SmShare["stream"] }): SmShare {
    let share = this.made.get(category);
    if (!share) {
      const sms = partition.smCount;
      share = new SmShare(sms, partition.stream, () => this.ctx.gpu.createCublas({ smCountTarget: sms }));
      this.made.set(category, share);
    }
    return share;
  }
}

/** The plan's decode attention (its heads, its context), sized for the largest launch it runs beside. */
async function planAttention(ctx: GpuContext, plan: Plan, launches: readonly GemmLaunch[]): Promise<{ operands: AttentionOperands; context: number; dispose(): void }> {
  const shape = modelShapeOf(plan);
  const config = { headDim: shape.headDim, groupSize: shape.qHeads / shape.kvHeads, kvHeads: shape.kvHeads };
  const context = Math.max(1, Math.ceil(plan.batch.decodeContext));
  const requests = Math.max(...launches.filter((launch) => launch.beside === "attention").map((launch) => launch.rows));
  const operands = await AttentionOperands.create(ctx.gpu, ctx.kernels, ctx.random, config, kvBytes(config, { requests, context }), ctx.setupStream);
  return { operands, context, dispose: () => operands.dispose() };
}

function tuneLaunch(
  ctx: GpuContext,
  timer: WorkTimer,
  shares: SharesOfPlan,
  attention: { operands: AttentionOperands; context: number } | undefined,
  launch: GemmLaunch,
  finalistCount: number,
): LaunchTuning {
  const share = shares.gemmShare(launch);
  const gemm = new GemmOperands(ctx.gpu, ctx.random, launch, launch.rows);
  try {
    const candidates = share.cublas.algorithms({ m: launch.rows, n: launch.n, k: launch.k }, HEURISTIC_PICKS);
    ctx.warmUp();
    const screened = candidates
      .map((candidate) => ({ candidate, us: timer.screenUs(gemm.workload(share.stream, share.cublas, launch.rows, candidate.algorithm)) }))
      .sort((a, b) => a.us - b.us);
    const checker = new ProductCheck(ctx, share, launch);
    let wrongProducts = 0;
    const finalists: GemmAlgorithm[] = [];
    try {
      for (const { candidate } of screened) {
        if (finalists.length === finalistCount) break;
        if (checker.matches(candidate.algorithm)) finalists.push(candidate);
        else wrongProducts++;
      }
    } finally {
      checker.dispose();
    }
    if (finalists.length === 0) throw new Error(`${describeLaunch(launch)}: no cuBLASLt candidate computes the same product as cuBLAS's pick`);
    let partner: { work: Workload; aloneUs: number } | undefined;
    if (launch.beside === "attention" && attention) {
      const memory = shares.attentionShare();
      const work = attention.operands.workload(memory.stream, memory.smCount, { requests: launch.rows, context: attention.context });
      partner = { work, aloneUs: timer.perRepUs(work) };
    }
    const measure = (algorithm: string | undefined): { us: number; aloneUs: number } => {
      const work = gemm.workload(share.stream, share.cublas, launch.rows, algorithm);
      const aloneUs = timer.perRepUs(work);
      return { us: partner ? timer.windowUs(work, aloneUs, partner) : aloneUs, aloneUs };
    };
    ctx.warmUp();
    const cublasPick = measure(undefined);
    const timed: TimedAlgorithm[] = finalists
      .map(({ algorithm, id, tile, stages, splitK, swizzle, cluster }) => ({ algorithm, config: { id, tile, stages, splitK, swizzle, cluster }, ...measure(algorithm) }))
      .sort((a, b) => a.us - b.us);
    return {
      launch,
      candidates: candidates.length,
      wrongProducts,
      defaultUs: cublasPick.us,
      defaultAloneUs: cublasPick.aloneUs,
      finalists: timed,
      chosen: timed[0]!.us < cublasPick.us ? timed[0] : undefined,
    };
  } finally {
    gemm.dispose();
  }
}

function entryOf({ launch, defaultUs }: LaunchTuning, chosen: TimedAlgorithm): GemmAlgorithmEntry {
  const { n, k, rows, sms, beside } = launch;
  return { n, k, rows, sms, beside, algorithm: chosen.algorithm, config: chosen.config, timeUs: chosen.us, defaultUs };
}

/**
 * Compares a candidate's product with cuBLAS's pick on the same random operands, accumulating onto
 * a random C where the plan's GEMM does (O and down add into the residual).
 */
class ProductCheck {
  private readonly a: DeviceArray<"bf16">;
  private readonly b: DeviceArray<"bf16">;
  private readonly c0: DeviceArray<"bf16">;
  private readonly c: DeviceArray<"bf16">;
  private readonly beta: number;
  private readonly reference: Float32Array;

  constructor(ctx: GpuContext, private readonly share: SmShare, private readonly launch: GemmLaunch) {
    const { rows, n, k } = launch;
    this.a = ctx.random.bf16(rows * k);
    this.b = ctx.random.bf16(n * k);
    this.c0 = ctx.random.bf16(rows * n);
    this.c = ctx.gpu.allocate("bf16", rows * n);
    this.beta = launch.kind === "o_gemm" || launch.kind === "down_gemm" ? 1 : 0;
    this.reference = this.product(undefined);
  }

  matches(algorithm: string): boolean {
    const result = this.product(algorithm);
    let difference = 0;
    let norm = 0;
    for (let i = 0; i < result.length; i++) {
      difference += (result[i]! - this.reference[i]!) ** 2;
      norm += this.reference[i]! ** 2;
    }
    return Math.sqrt(difference / norm) < PRODUCT_TOLERANCE;
  }

  dispose(): void {
    for (const array of [this.a, this.b, this.c0, this.c]) array.dispose();
  }

  private product(algorithm: string | undefined): Float32Array {
    const { stream, cublas } = this.share;
    this.c.copyFrom(this.c0, stream);
    cublas.gemm({ stream, a: this.a, b: this.b, c: this.c, m: this.launch.rows, n: this.launch.n, k: this.launch.k, beta: this.beta, algorithm });
    stream.synchronize();
    return this.c.download();
  }
}
