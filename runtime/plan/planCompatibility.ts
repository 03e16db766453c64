/**
 * Whether a plan can run here: made for this GPU, and asking for nothing the runtime cannot do yet.
 * A tensor-parallel plan's shape is one GPU's shard; each of its GPUs is checked alike.
 * Every difference is listed, so one refusal says all that must change.
 */
import { WHOLE_LAYOUT } from "../../planner/plan/schema.js";
import { ATTENTION_HEAD_DIM, ATTENTION_MAX_GROUP, ATTENTION_MAX_ROWS } from "../kernels/kernelContracts.js";
import type { Plan } from "../../planner/plan/schema.js";
import { vocabSplitOf, type ModelShape } from "../model/modelShape.js";

/** What the runtime needs to know of the GPU it runs on (NativeDeviceInfo has it). */
export interface DeviceDescription {
  name: string;
  smCount: number;
  totalMemoryBytes: number;
}

/** A plan that does not fit this machine, these weights or this runtime. */
export class PlanMismatchError extends Error {
  override name = "PlanMismatchError";
  constructor(readonly plan: string, readonly differences: readonly string[]) {
    super(`the plan ${plan} cannot run here:\n${differences.map((line) => `  - ${line}`).join("\n")}`);
  }
}

/** Plans record the GPU's memory in GiB with two decimals; boards of one model differ by less than this. */
const MEMORY_TOLERANCE = 0.05;

/** "H100", "H200", "A100", ... in a device or plan GPU name. */
export function gpuModelToken(name: string): string | undefined {
  return /\b([A-Z]{1,2}\d{2,3})\b/i.exec(name.replace(/[-_]/g, " "))?.[1]?.toUpperCase();
}

/** The plan's GPU against the device: model, SM count and memory. */
export function gpuDifferences(plan: Plan, device: DeviceDescription): string[] {
  const differences: string[] = [];
  const planned = gpuModelToken(plan.gpu.name) ?? gpuModelToken(plan.gpu.id);
  const actual = gpuModelToken(device.name);
  if (planned !== actual) differences.push(`GPU: planned for ${plan.gpu.name} (${plan.gpu.id}), this is ${device.name}`);
  if (plan.gpu.sms !== device.smCount) differences.push(`SMs: planned for ${plan.gpu.sms}, this GPU has ${device.smCount}`);
  const gib = device.totalMemoryBytes / 2 ** 30;
  if (Math.abs(gib - plan.gpu.memoryGiB) > MEMORY_TOLERANCE * plan.gpu.memoryGiB) {
    differences.push(`memory: planned for ${plan.gpu.memoryGiB.toFixed(1)} GiB, this GPU has ${gib.toFixed(1)} GiB`);
  }
  return differences;
}

/** What the plan asks of the runtime that it cannot do yet. */
export function unsupportedFeatures(plan: Plan, shape: ModelShape): string[] {
  const missing: string[] = [];
  if (plan.batch.prefillTokens > 0) {
    missing.push(`prefill: the plan's batch has ${plan.batch.prefillTokens} prefill tokens and there is no prefill attention kernel yet; plan a decode-only workload (e.g. --workload decode-1024)`);
  }
  const split = vocabSplitOf(plan, shape);
  const over = `vocabulary ${split.vocab} over ${split.ranks} GPUs`;
  if (shape.vocab !== split.shard) {
    missing.push(`${over}: the plan's shard holds ${shape.vocab} vocabulary rows, the runtime gives each rank ceil(${split.vocab} / ${split.ranks}) = ${split.shard}`);
  }
  // Sequential mode runs the whole batch as one launch.
  if (plan.batch.decodeTokens > ATTENTION_MAX_ROWS) missing.push(`a batch of ${plan.batch.decodeTokens} decode tokens: the attention kernel takes at most ${ATTENTION_MAX_ROWS} a launch; plan a smaller --batch`);
  if (shape.headDim !== ATTENTION_HEAD_DIM) missing.push(`head size ${shape.headDim}: the attention kernels take ${ATTENTION_HEAD_DIM} only`);
  const group = shape.qHeads / shape.kvHeads;
  if (!Number.isInteger(group) || group > ATTENTION_MAX_GROUP) missing.push(`${shape.qHeads} query heads over ${shape.kvHeads} KV heads: the attention kernel takes at most ${ATTENTION_MAX_GROUP} per KV head`);
  if (shape.attentionBias) missing.push("a bias on the QKV projection: the runtime's Llama has none");
  const splits = new Set(plan.operations.filter((op) => op.layout !== WHOLE_LAYOUT).map((op) => op.layout));
  if (splits.size > 1) missing.push(`${splits.size} partitioned layouts (${[...splits].join(", ")}): the runtime makes one split per plan`);
  for (const op of plan.operations) {
    if (!RUNNABLE_KINDS.has(op.kind)) missing.push(`operation ${op.id}: kind ${op.kind} has no kernel in the runtime`);
  }
  return missing;
}

/** Refuses, listing every difference, a plan made for another GPU or needing what is missing. */
export function assertPlanRunnable(plan: Plan, planName: string, device: DeviceDescription, shape: ModelShape): void {
  const differences = [...gpuDifferences(plan, device), ...unsupportedFeatures(plan, shape)];
  if (differences.length > 0) throw new PlanMismatchError(planName, differences);
}

const RUNNABLE_KINDS: ReadonlySet<string> = new Set([
  "rmsnorm", "qkv_gemm", "rope_kv_append", "decode_attention", "o_gemm", "all_reduce", "gate_up_gemm", "silu_mul", "down_gemm",
]);

/** A weights folder's config.json against the model the plan was made for. */
export function weightsDifferences(plan: Plan, shape: ModelShape, config: Record<string, unknown>): string[] {
  // The plan's shape is one GPU's shard; the weights are the whole model.
  const tp = plan.tensorParallel;
  const heads = Number(config.num_attention_heads);
  const plannedHeads = Number(plan.model.config.num_attention_heads);
  const expected: [string, unknown, number][] = [
    ["hidden_size", config.hidden_size, shape.hiddenSize],
    ["intermediate_size", config.intermediate_size, shape.intermediate * tp],
    ["num_attention_heads", heads, shape.qHeads * tp],
    ["num_key_value_heads", config.num_key_value_heads ?? heads, Number(plan.model.config.num_key_value_heads ?? plannedHeads)],
    ["head_dim", config.head_dim ?? Number(config.hidden_size) / heads, shape.headDim],
    ["num_hidden_layers", config.num_hidden_layers, shape.layers],
    ["vocab_size", config.vocab_size, Number(plan.model.config.vocab_size)],
  ];
  return expected
    .filter(([, actual, planned]) => actual !== planned)
    .map(([field, actual, planned]) => `weights: ${field} is ${String(actual)} in the weights' config.json, the plan's model (${plan.model.name}) has ${planned}`);
}
