/**
 * The plan file: the contract between the planner and any runtime (ours, or another serving process
 * in Python or C++, which reads the JSON Schema generated from this). Validated on load by the same
 * schema that writes it. Times are microseconds; token ranges are [start, end) rows of the dense batch.
 */
import { z } from "zod";
import { ALL_REDUCE_METHODS } from "../model/all-reduce-method.js";

export const PLAN_SCHEMA_ID = "nanoweave.plan/1";
/** Layout ids: `whole` is the whole GPU, one op at a time; `split` holds a partition per stream. */
export const WHOLE_LAYOUT = "whole";
export const SPLIT_LAYOUT = "split";

const nonNegative = z.number().nonnegative();
const positiveInt = z.number().int().positive();
const count = z.number().int().nonnegative();
const rowRange = z.tuple([count, count]).describe("[start, end) rows of the dense batch");
export const STREAMS = ["compute", "memory", "network"] as const;
export const KERNEL_KINDS = [
  "embedding",
  "rmsnorm",
  "qkv_gemm",
  "rope_kv_append",
  "decode_attention",
  "prefill_attention",
  "o_gemm",
  "all_reduce",
  "gate_up_gemm",
  "silu_mul",
  "down_gemm",
  "lm_head_gemm",
  "argmax",
] as const;

const timing = z.strictObject({
  layerUs: nonNegative,
  iterationUs: nonNegative,
  tokensPerSecondPerGpu: nonNegative,
});

export const OperationSchema = z.strictObject({
  /** Unique within the layer: `<group>.<nano-batch>.<kernel>`, e.g. `attn_in.0.qkv_gemm`. */
  id: z.string().min(1),
  group: z.string().min(1),
  kind: z.enum(KERNEL_KINDS),
  stream: z.enum(STREAMS),
  nanoBatch: count,
  rows: rowRange,
  /** Layout id and partition the op runs in; `whole` is the whole GPU. */
  layout: z.string().min(1),
  /** SMs of that partition, and the SM-count target its cuBLAS handle (or NCCL maxCTAs) gets. */
  sms: positiveInt,
  smTarget: positiveInt,
  /** Ops that must end before this one starts: `layer: 0` this layer, `-1` the previous one. */
  dependsOn: z.array(z.strictObject({ op: z.string().min(1), layer: z.union([z.literal(0), z.literal(-1)]) })),
  /** Predicted start and end from the start of this layer (layer l starts l periods after layer 0). */
  startUs: nonNegative,
  endUs: nonNegative,
});

export const PlanSchema = z.strictObject({
  schema: z.literal(PLAN_SCHEMA_ID),
  createdAt: z.string().min(1),
  tool: z.string().min(1),
  model: z.strictObject({
    name: z.string().min(1),
    id: z.string().min(1),
    /** The Hugging Face config.json fields the plan was made from. */
    config: z.record(z.string(), z.unknown()),
    shard: z.strictObject({
      hiddenSize: positiveInt,
      headDim: positiveInt,
      qHeads: positiveInt,
      kvHeads: positiveInt,
      intermediate: positiveInt,
      vocab: positiveInt,
      layers: positiveInt,
      weightBytes: positiveInt,
      kvBytesPerToken: positiveInt,
    }),
  }),
  tensorParallel: positiveInt,
  /** Whether the layer all-reduces across the tensor-parallel GPUs (false: one shard planned alone). */
  allReduce: z.boolean(),
  /** How the all-reduces are summed, whose measurements the plan was made from and the runtime runs (plans before this field: nccl). */
  allReduceMethod: z.enum(ALL_REDUCE_METHODS).default("nccl"),
  gpu: z.strictObject({ name: z.string().min(1), id: z.string().min(1), sms: positiveInt, memoryGiB: z.number().positive() }),
  profile: z.strictObject({
    source: z.enum(["measured", "analytic"]),
    /** File the profile was read from (nanoweave/profiles/<gpu id>.json: the one shipped with nanoweave); null when derived from the GPU's specs on the fly. */
    path: z.string().nullable(),
    sha256: z.string().regex(/^[0-9a-f]{64}$/),
    gpu: z.string(),
    date: z.string(),
  }),
  workload: z.union([
    z.strictObject({ kind: z.literal("continuous"), name: z.string(), promptTokens: positiveInt, outputTokens: positiveInt }),
    z.strictObject({ kind: z.literal("decode"), name: z.string(), contextTokens: positiveInt }),
  ]),
  batch: z.strictObject({
    tokens: positiveInt,
    decodeTokens: count,
    prefillTokens: count,
    decodeContext: nonNegative,
    prefillContext: nonNegative,
    requests: positiveInt,
    granule: positiveInt,
    auto: z.boolean(),
    /**
     * --batch best: each size planned, largest first; the plan is the one with the most tokens/s.
     * no_better: its search stopped where it could not beat an earlier size's tokens/s (no figures).
     * Absent where one size was planned.
     */
    candidates: z
      .array(
        z.strictObject({
          tokens: positiveInt,
          status: z.enum(["optimal", "time_limit", "no_better"]),
          nanoBatches: positiveInt.nullable(),
          layerUs: z.number().positive().nullable(),
          tokensPerSecondPerGpu: z.number().positive().nullable(),
        }),
      )
      .min(2)
      .optional(),
    memory: z.strictObject({
      gpuBytes: nonNegative,
      reservedBytes: nonNegative,
      weightBytes: nonNegative,
      activationBytes: nonNegative,
      kvCacheBytes: nonNegative,
      freeBytes: nonNegative,
    }),
  }),
  /**
   * SM layouts. A layout's partitions come from one green-context split: all but the last are
   * groups of the split (multiples of its granularity), the last is the split's remainder.
   */
  layouts: z.array(
    z.strictObject({
      id: z.string().min(1),
      partitions: z.array(z.strictObject({ stream: z.enum(STREAMS), sms: positiveInt })).min(1),
    }),
  ),
  nanoBatches: z.array(z.strictObject({ index: count, rows: rowRange, decodeRows: rowRange, prefillRows: rowRange })).min(1),
  /** Steady-state period: layer l+1 starts this long after layer l. */
  periodUs: z.number().positive(),
  operations: z.array(OperationSchema).min(1),
  /** Once per iteration on the whole GPU, before the first and after the last layer. */
  prologue: z.array(z.strictObject({ kind: z.enum(KERNEL_KINDS), us: nonNegative })),
  epilogue: z.array(z.strictObject({ kind: z.enum(KERNEL_KINDS), us: nonNegative })),
  prediction: z.strictObject({
    ...timing.shape,
    /**
     * The same cost model, one stream, no nano-batches, whole GPU; `operations` gives each of nano-batch
     * 0's ops its time there over every row (absent in plans made before it was written).
     */
    sequential: timing.extend({ operations: z.array(z.strictObject({ id: z.string().min(1), us: nonNegative })).optional() }),
    /** The GEMMs on the whole GPU with everything else hidden. */
    lowerBound: z.strictObject({ layerUs: nonNegative, iterationUs: nonNegative }),
    speedupOverSequential: z.number().positive(),
    percentOfLowerBound: z.number().positive(),
  }),
  solver: z.strictObject({
    backend: z.enum(["highs", "jslp"]),
    /** optimal: proven within the gap asked for; time_limit: best found when time ran out. */
    status: z.enum(["optimal", "time_limit"]),
    objectiveUs: z.number().positive(),
    boundUs: nonNegative,
    gap: nonNegative,
    seconds: nonNegative,
    timeLimitSeconds: z.number().positive(),
    /** One MILP per nano-batch count; the plan keeps the best (1 = sequential, no MILP). */
    nanoBatchCounts: z.array(
      z.strictObject({
        count: positiveInt,
        status: z.enum(["optimal", "time_limit", "no_better", "sequential", "not_divisible"]),
        periodUs: z.number().positive().nullable(),
        boundUs: nonNegative.nullable(),
        seconds: nonNegative,
      }),
    ),
  }),
  /** Assumptions and approximations a reader should know: extrapolations, scaled profile entries. */
  notes: z.array(z.string()),
});

export type Plan = z.infer<typeof PlanSchema>;
export type PlanOperation = z.infer<typeof OperationSchema>;
export type StreamName = (typeof STREAMS)[number];
