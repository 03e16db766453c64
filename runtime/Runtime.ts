/**
 * The runtime: a plan executed on one GPU. It loads the plan (refused when made for another GPU or
 * model), the weights (seeded random or a Hugging Face safetensors folder), a paged KV cache and
 * the kernels, prepares each asked-for execution mode (captured as a CUDA graph on first step),
 * and runs decode iterations: step() takes the batch's requests and returns greedy next tokens.
 */
import { readPlanFile } from "../planner/plan/plan-file.js";
import type { Plan } from "../planner/plan/schema.js";
import { Gpu } from "./gpu/index.js";
import { Activations } from "./engine/activations.js";
import { DeviceWeights } from "./engine/deviceWeights.js";
import { PlanPartitions } from "./engine/lanes.js";
import type { ModelState } from "./engine/launchOperation.js";
import { ModeExecution } from "./engine/modeExecution.js";
import { ModelKernels } from "./kernels/modelKernels.js";
import { kvCacheLayout, PagedKvCache } from "./kvCache.js";
import { modelShapeOf, type ModelShape } from "./model/modelShape.js";
import { EXECUTION_MODES, type ExecutionMode } from "./plan/executionModes.js";
import { assertPlanRunnable, PlanMismatchError, weightsDifferences } from "./plan/planCompatibility.js";
import { checkDecodeRequests, type DecodeRequest } from "./requests.js";
import { randomWeights, safetensorsFolder, type WeightSource } from "./weights/weightSource.js";

export type WeightsOption = { kind: "random"; seed?: number } | { kind: "safetensors"; folder: string };

export interface RuntimeOptions {
  /** A plan, or the path of a plan file. */
  plan: Plan | string;
  /** Default: random weights of seed 0. */
  weights?: WeightsOption;
  /** CUDA device ordinal (default 0). */
  gpu?: number;
  /** Modes step() may use; the first is the default (default: planned only). */
  modes?: readonly ExecutionMode[];
  /** Longest context a request may reach (default: the plan's decode context). */
  maxContext?: number;
  /** KV-cache pages requests may use (default: every planned request at maxContext). */
  kvPages?: number;
  /** false: issue every launch each step instead of replaying a captured graph (for debugging). */
  useGraph?: boolean;
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
    readonly gpu: Gpu,
    readonly plan: Plan,
    readonly shape: ModelShape,
    readonly state: ModelState,
    private readonly executions: ReadonlyMap<ExecutionMode, ModeExecution>,
    private readonly partitions: PlanPartitions | undefined,
    private readonly useGraph: boolean,
    /** What the runtime owns besides the executions, disposed last (the GPU last of all). */
    private readonly owned: { dispose(): void }[],
  ) {}

  static async create(options: RuntimeOptions): Promise<Runtime> {
    const modes = options.modes ?? ["planned"];
    for (const mode of modes) if (!EXECUTION_MODES.includes(mode)) throw new TypeError(`Expected modes among ${EXECUTION_MODES.join(", ")} but received ${String(mode)}`);
    if (modes.length === 0) throw new TypeError("Expected at least one execution mode");
    const gpu = Gpu.open(options.gpu ?? 0);
    const owned: { dispose(): void }[] = [gpu];
    const executions = new Map<ExecutionMode, ModeExecution>();
    let partitions: PlanPartitions | undefined;
    let source: WeightSource | undefined;
    try {
      const planName = typeof options.plan === "string" ? options.plan : "given";
      const plan = typeof options.plan === "string" ? await readPlanFile(options.plan) : options.plan;
      const shape = modelShapeOf(plan);
      assertPlanRunnable(plan, planName, gpu.info, shape);
      source = await openWeights(options.weights ?? { kind: "random", seed: 0 }, plan, planName, shape);
      const rows = plan.batch.tokens;
      const maxContext = options.maxContext ?? Math.max(1, Math.ceil(plan.batch.decodeContext));
      const layout = kvCacheLayout(plan.batch.requests, maxContext, options.kvPages);
      const kernels = own(owned, await ModelKernels.compile(gpu));
      const weights = own(owned, await DeviceWeights.load(gpu, shape, source));
      const cache = own(owned, new PagedKvCache(gpu, shape, layout));
      const buffers = own(owned, new Activations(gpu, shape, rows, layout));
      const state: ModelState = { shape, kernels, weights, cache, buffers };
      if (modes.includes("planned")) partitions = PlanPartitions.create(gpu, plan, planName);
      for (const mode of modes) executions.set(mode, ModeExecution.create(gpu, plan, mode, state, partitions));
      gpu.synchronize();
      return new Runtime(gpu, plan, shape, state, executions, partitions, options.useGraph ?? true, owned);
    } catch (error) {
      for (const execution of executions.values()) execution.dispose();
      partitions?.dispose();
      for (const resource of owned.reverse()) resource.dispose();
      throw error;
    } finally {
      await source?.close();
    }
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

  /** One decode iteration for `requests` (checked before anything is launched). */
  step(requests: readonly DecodeRequest[], options: StepOptions = {}): StepResult {
    this.assertLive("step()");
    const execution = this.execution(options.mode ?? this.modes[0]!);
    const inputs = checkDecodeRequests(requests, this.rows, this.shape.vocab, this.state.cache.layout);
    const b = this.state.buffers;
    b.tokens.upload(inputs.tokens);
    b.positions.upload(inputs.positions);
    b.contextLens.upload(inputs.contextLens);
    b.pageTable.upload(inputs.pageTable);
    execution.launch(this.useGraph);
    const nextTokens = b.nextTokens.download(0, inputs.requests);
    return options.logits ? { nextTokens, logits: b.logits.download(0, inputs.requests * this.shape.vocab) } : { nextTokens };
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
    if (this.partitions) attempt(this.partitions);
    for (const resource of [...this.owned].reverse()) attempt(resource);
    if (failures.length > 0) throw new AggregateError(failures, `dispose() freed everything but ${failures.length} release(s) failed`);
  }

  private assertLive(role: string): void {
    if (this.disposed) throw new Error(`Expected a live Runtime for ${role} but received one that was disposed`);
  }
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

function own<T extends { dispose(): void }>(owned: { dispose(): void }[], resource: T): T {
  owned.push(resource);
  return resource;
}
