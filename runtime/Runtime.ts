/**
 * The runtime: a plan executed on the GPUs it was made for, in one process. A tensor-parallel plan
 * with all-reduces runs on plan.tensorParallel GPUs, one engine per GPU holding that rank's shard of
 * the weights, summing across them with NCCL or our peer kernel; any other plan runs on one GPU. It loads the plan (refused
 * when made for another GPU or model), the weights (seeded random or a Hugging Face safetensors
 * folder, sliced per rank), a paged KV cache and the kernels, prepares each asked-for execution mode
 * (captured as CUDA graphs on first step), and runs decode iterations: step() takes the batch's
 * requests and returns greedy next tokens.
 */
import { readPlanFile } from "../planner/plan/plan-file.js";
import type { Plan } from "../planner/plan/schema.js";
import { createNcclCommunicators, Gpu, type NcclCommunicators } from "./gpu/index.js";
import { collectiveCtas, NcclAllReduce, RUNTIME_ALL_REDUCES, type ResidualAllReduce, type RuntimeAllReduce } from "./engine/collectives.js";
import { HeldAllReduce } from "./engine/heldAllReduce.js";
import { PeerAllReduce } from "./engine/peerAllReduce.js";
import type { ModelState } from "./engine/launchOperation.js";
import { ModeExecution } from "./engine/modeExecution.js";
import { RankEngine } from "./engine/RankEngine.js";
import { combineVocabArgmax, gatherVocabLogits } from "./engine/vocabParallel.js";
import { gemmMachine, loadGemmAlgorithms, type GemmAlgorithms } from "./gemmAlgorithmTable.js";
import { kvCacheLayout } from "./kvCache.js";
import { modelShapeOf, ranksOf, vocabSplitOf, type ModelShape } from "./model/modelShape.js";
import { realVocabRows, type VocabSplit } from "./model/vocabSplit.js";
import { EXECUTION_MODES, operationsFor, type ExecutionMode } from "./plan/executionModes.js";
import { assertPlanRunnable, PlanMismatchError, weightsDifferences } from "./plan/planCompatibility.js";
import { disposeInReverse, own } from "./owned.js";
import { checkDecodeRequests, type DecodeRequest } from "./requests.js";
import { randomWeights, safetensorsFolder, tensorParallelShard, type WeightSource } from "./weights/weightSource.js";

export type WeightsOption = { kind: "random"; seed?: number } | { kind: "safetensors"; folder: string };

export interface RuntimeOptions {
  /** A plan, or the path of a plan file. */
  plan: Plan | string;
  /** Default: random weights of seed 0. */
  weights?: WeightsOption;
  /**
   * CUDA device ordinals, one per rank (default 0 .. ranks - 1; ranks: the plan's tensorParallel
   * where it all-reduces, else 1). With allReduce "hold", fewer: the plan's first ranks alone.
   */
  devices?: readonly number[];
  /** Modes step() may use; the first is the default (default: planned only). */
  modes?: readonly ExecutionMode[];
  /** Longest context a request may reach (default: the plan's decode context). */
  maxContext?: number;
  /** KV-cache pages requests may use (default: every planned request at maxContext). */
  kvPages?: number;
  /** false: issue every launch each step instead of replaying a captured graph (for debugging). */
  useGraph?: boolean;
  /**
   * A GEMM algorithm table file (gemmAlgorithmTable.ts): its cuBLASLt algorithms replace cuBLAS's
   * pick for the launches it lists. Refused where measured on another GPU model or cuBLAS version.
   */
  gemmAlgorithms?: string;
  /**
   * How ranks sum the residual (default: the plan's allReduceMethod, what its prediction assumed):
   * NCCL's kernels on the plan's network partition, or peer: one kernel of ours on the same SMs that
   * reads the peers' partial sums and writes the sums back directly (needs peer access between every
   * pair of GPUs, e.g. NVLink). Or hold, for timing only: each sum replaced by a kernel holding its
   * SMs for the plan's predicted time of it (engine/heldAllReduce.ts), so the ranks run apart and
   * step() is refused (no model output is computed); use queueIteration().
   */
  allReduce?: RuntimeAllReduce;
}

export interface StepOptions {
  mode?: ExecutionMode;
  /** Also return the logits, [requests, vocab] float32 (widened from bf16). */
  logits?: boolean;
}

export interface StepResult {
  nextTokens: Int32Array;
  logits?: Float32Array;
}

/** Reads and validates a plan file and refuses it, listing every difference, where it cannot run on `gpu`. */
export async function loadPlan(file: string, gpu: Gpu): Promise<Plan> {
  const plan = await readPlanFile(file);
  assertPlanRunnable(plan, file, gpu.info, modelShapeOf(plan));
  return plan;
}

export class Runtime {
  private disposed = false;

  private constructor(
    readonly gpus: readonly Gpu[],
    readonly plan: Plan,
    /** One GPU's shard: heads, FFN width and vocabulary per rank. */
    readonly shape: ModelShape,
    /** The vocabulary over the ranks: each holds shape.vocab rows, the last rank's padded. */
    readonly vocabSplit: VocabSplit,
    readonly engines: readonly RankEngine[],
    private readonly executions: Map<ExecutionMode, ModeExecution>,
    /** Each mode's all-reduce (undefined for a plan without all-reduces), kept to remake its execution. */
    private readonly allReduces: ReadonlyMap<ExecutionMode, ResidualAllReduce | undefined>,
    /** How the ranks sum the residual; undefined for a plan without all-reduces. */
    readonly allReduce: RuntimeAllReduce | undefined,
    /** Whether iterations run as CUDA graphs (eagerly issued launches otherwise). */
    readonly useGraph: boolean,
    /** What the runtime owns besides the executions, disposed last (the GPUs last of all). */
    private readonly owned: { dispose(): void }[],
  ) {}

  static async create(options: RuntimeOptions): Promise<Runtime> {
    const modes = options.modes ?? ["planned"];
    for (const mode of modes) if (!EXECUTION_MODES.includes(mode)) throw new TypeError(`Expected modes among ${EXECUTION_MODES.join(", ")} but received ${String(mode)}`);
    if (modes.length === 0) throw new TypeError("Expected at least one execution mode");
    if (options.allReduce !== undefined && !RUNTIME_ALL_REDUCES.includes(options.allReduce)) {
      throw new TypeError(`Expected allReduce among ${RUNTIME_ALL_REDUCES.join(", ")} but received ${String(options.allReduce)}`);
    }
    const planName = typeof options.plan === "string" ? options.plan : "given";
    const plan = typeof options.plan === "string" ? await readPlanFile(options.plan) : options.plan;
    const allReduce = options.allReduce ?? plan.allReduceMethod;
    const shape = modelShapeOf(plan);
    const gpus = openGpus(options.devices, ranksOf(plan), allReduce === "hold", planName);
    const owned: { dispose(): void }[] = [...gpus];
    const executions = new Map<ExecutionMode, ModeExecution>();
    let source: WeightSource | undefined;
    try {
      for (const gpu of gpus) assertPlanRunnable(plan, planName, gpu.info, shape);
      const gemmAlgorithms = options.gemmAlgorithms === undefined ? undefined : await loadGemmAlgorithms(options.gemmAlgorithms, gemmMachine(gpus[0]!));
      const vocab = vocabSplitOf(plan, shape);
      source = await openWeights(options.weights ?? { kind: "random", seed: 0 }, plan, planName, shape);
      const maxContext = options.maxContext ?? Math.max(1, Math.ceil(plan.batch.decodeContext));
      const layout = kvCacheLayout(plan.batch.requests, maxContext, options.kvPages);
      const engines: RankEngine[] = [];
      for (const [rank, gpu] of gpus.entries()) {
        const weights = rankWeights(options.weights, source, plan, shape, vocab, rank);
        engines.push(own(owned, await RankEngine.create(rank, gpu, plan, planName, shape, vocab, weights, layout, modes.includes("planned"))));
      }
      const allReduces = await modeAllReduces(modes, plan, engines, allReduce, owned);
      for (const mode of modes) executions.set(mode, ModeExecution.create(plan, mode, engines, allReduces.get(mode), gemmAlgorithms));
      for (const gpu of gpus) gpu.synchronize();
      return new Runtime(gpus, plan, shape, vocab, engines, executions, allReduces, ranksOf(plan) > 1 ? allReduce : undefined, options.useGraph ?? true, owned);
    } catch (error) {
      for (const execution of executions.values()) execution.dispose();
      disposeInReverse(owned);
      throw error;
    } finally {
      await source?.close();
    }
  }

  /** Rank 0's GPU. */
  get gpu(): Gpu {
    return this.gpus[0]!;
  }

  /** Rank 0's buffers, weights and cache (every rank's cache has the same layout). */
  get state(): ModelState {
    return this.engines[0]!.state;
  }

  /** The whole model's vocabulary: the token ids step() takes and the logits' columns. */
  get vocab(): number {
    return this.vocabSplit.vocab;
  }

  /** Rows of the dense batch: the most requests one step takes. */
  get rows(): number {
    return this.plan.batch.tokens;
  }

  get modes(): ExecutionMode[] {
    return [...this.executions.keys()];
  }

  execution(mode: ExecutionMode): ModeExecution {
    this.assertLive("execution()");
    const execution = this.executions.get(mode);
    if (!execution) throw new Error(`mode ${mode} was not prepared: create the runtime with modes: [${[...this.executions.keys(), mode].map((m) => `"${m}"`).join(", ")}]`);
    return execution;
  }

  /**
   * Runs every mode's GEMMs with `algorithms` from now on (undefined: cuBLAS's picks): each mode's
   * streams and handles are made anew and its graph captured again on next use. Weights, KV cache
   * and buffers stay.
   */
  useGemmAlgorithms(algorithms: GemmAlgorithms | undefined): void {
    this.assertLive("useGemmAlgorithms()");
    this.synchronize();
    for (const [mode, execution] of this.executions) {
      const remade = ModeExecution.create(this.plan, mode, this.engines, this.allReduces.get(mode), algorithms);
      execution.dispose();
      this.executions.set(mode, remade);
    }
  }

  /** One decode iteration for `requests` (checked before anything is launched) on every rank. */
  step(requests: readonly DecodeRequest[], options: StepOptions = {}): StepResult {
    this.assertLive("step()");
    if (this.allReduce === "hold") throw new Error(`step() needs the ranks' sums, and allReduce "hold" computes none (it is for timing, with queueIteration()): create the runtime with allReduce ${RUNTIME_ALL_REDUCES.filter((method) => method !== "hold").join(" or ")}`);
    const n = this.queueIteration(requests, options.mode);
    const candidates = this.engines.map(({ state: { buffers: b } }) => ({ ids: b.nextTokens.download(0, n), maxima: b.maxLogits.download(0, n) }));
    const nextTokens = combineVocabArgmax(candidates, this.vocabSplit);
    if (!options.logits) return { nextTokens };
    const slices = this.engines.map(({ state: { buffers: b } }) => b.logits.download(0, n * this.shape.vocab));
    return { nextTokens, logits: gatherVocabLogits(slices, n, this.vocabSplit) };
  }

  /**
   * Checks `requests` (before anything is launched), uploads them to every rank and queues one
   * iteration of `mode` (default: the first), capturing its graph on first use; reads nothing back.
   * For timing. Returns how many requests it took.
   */
  queueIteration(requests: readonly DecodeRequest[], mode: ExecutionMode = this.modes[0]!): number {
    this.assertLive("queueIteration()");
    const execution = this.execution(mode);
    const inputs = checkDecodeRequests(requests, this.rows, this.vocab, this.state.cache.layout);
    for (const engine of this.engines) engine.upload(inputs);
    execution.launch(this.useGraph);
    return inputs.requests;
  }

  /** Waits for every rank's queued work. */
  synchronize(): void {
    for (const gpu of this.gpus) gpu.synchronize();
  }

  /** Frees everything on the GPU. Idempotent; safe after a failed step. */
  dispose(): void {
    if (this.disposed) return;
    this.disposed = true;
    const failures: unknown[] = [];
    const attempt = (resource: { dispose(): void }) => {
      try {
        resource.dispose();
      } catch (error) {
        failures.push(error);
      }
    };
    for (const execution of this.executions.values()) attempt(execution);
    for (const resource of [...this.owned].reverse()) attempt(resource);
    if (failures.length > 0) throw new AggregateError(failures, `dispose() freed everything but ${failures.length} release(s) failed`);
  }

  private assertLive(role: string): void {
    if (this.disposed) throw new Error(`Expected a live Runtime for ${role} but received one that was disposed`);
  }
}

/** The plan's GPUs, checked to be there: `devices` (where `apart`, as few as one: the first ranks), or the first `ranks` ordinals. */
function openGpus(devices: readonly number[] | undefined, ranks: number, apart: boolean, planName: string): Gpu[] {
  const ordinals = devices ?? Array.from({ length: ranks }, (_, rank) => rank);
  if (apart ? ordinals.length < 1 || ordinals.length > ranks : ordinals.length !== ranks) {
    const expected = apart ? `1 to ${ranks} devices` : `${ranks} devices`;
    throw new TypeError(`Expected ${expected} for the plan ${planName} (tensor parallel over ${ranks} GPUs) but received ${ordinals.length}: [${ordinals.join(", ")}]`);
  }
  if (new Set(ordinals).size !== ordinals.length) throw new TypeError(`Expected distinct devices, one per rank, but received [${ordinals.join(", ")}]`);
  const visible = Gpu.count();
  const missing = ordinals.filter((ordinal) => !Number.isInteger(ordinal) || ordinal < 0 || ordinal >= visible);
  if (missing.length > 0) throw new PlanMismatchError(planName, [`GPUs: the plan runs on ${ranks} GPU${ranks > 1 ? "s" : ""} (devices ${ordinals.join(", ")}), this machine shows ${visible}${ranks > 1 ? " (check CUDA_VISIBLE_DEVICES)" : ""}`]);
  const gpus: Gpu[] = [];
  try {
    for (const ordinal of ordinals) gpus.push(Gpu.open(ordinal));
  } catch (error) {
    for (const gpu of gpus) gpu.dispose();
    throw error;
  }
  return gpus;
}

async function openWeights(option: WeightsOption, plan: Plan, planName: string, shape: ModelShape): Promise<WeightSource> {
  if (option.kind === "random") return randomWeights(option.seed ?? 0);
  const folder = await safetensorsFolder(option.folder);
  const differences = weightsDifferences(plan, shape, folder.config);
  if (differences.length > 0) {
    await folder.close();
    throw new PlanMismatchError(planName, differences);
  }
  return folder;
}

/** Rank `rank`'s weights: its own seeded random shard, or its slice of the whole model's tensors. */
function rankWeights(option: WeightsOption | undefined, source: WeightSource, plan: Plan, shape: ModelShape, vocab: VocabSplit, rank: number): WeightSource {
  if (!option || option.kind === "random") return randomWeights(option?.seed ?? 0, rank, realVocabRows(vocab, rank));
  const heads = Number(plan.model.config.num_attention_heads);
  const kvRows = Number(plan.model.config.num_key_value_heads ?? heads) * shape.headDim;
  return tensorParallelShard(source, rank, vocab.ranks, { kvRows, vocab: vocab.vocab });
}

/**
 * Each mode's all-reduce across the engines (none for a plan without all-reduces). NCCL: one set of
 * communicators per CTA cap the modes need (the planned network partition's SMs, or the whole
 * GPU's). Peer: one for every mode, as the modes share the residual it sums (each launch takes its
 * op's SMs). Hold: one per mode, holding for that mode's planned all-reduce times.
 */
async function modeAllReduces(modes: readonly ExecutionMode[], plan: Plan, engines: readonly RankEngine[], method: RuntimeAllReduce, owned: { dispose(): void }[]): Promise<Map<ExecutionMode, ResidualAllReduce | undefined>> {
  const byMode = new Map<ExecutionMode, ResidualAllReduce | undefined>();
  if (ranksOf(plan) === 1) {
    for (const mode of modes) byMode.set(mode, undefined);
    return byMode;
  }
  if (method === "hold") {
    for (const mode of modes) byMode.set(mode, own(owned, HeldAllReduce.create(engines, operationsFor(plan, mode).operations)));
    return byMode;
  }
  if (method === "peer") {
    const peer = own(owned, PeerAllReduce.create(engines));
    for (const mode of modes) byMode.set(mode, peer);
    return byMode;
  }
  const byCtas = new Map<number, NcclCommunicators>();
  for (const mode of modes) {
    const ctas = collectiveCtas(operationsFor(plan, mode).operations);
    const group = byCtas.get(ctas) ?? own(owned, await createNcclCommunicators(engines.map((engine) => engine.gpu), { maxCTAs: ctas }));
    byCtas.set(ctas, group);
    byMode.set(mode, new NcclAllReduce(group, engines));
  }
  return byMode;
}
