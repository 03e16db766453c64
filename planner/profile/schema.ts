/**
 * The profile format: what a GPU measured (or, without a measurement, what its specs imply) for
 * every kind of work the planner schedules. One schema for `nanoweave profile` to write, for the
 * analytic fallback to derive and for the cost model to read. Times are microseconds.
 */
import { z } from "zod";
import { ELEMENTWISE_KERNELS } from "../model/elementwise-kernels.js";

export const PROFILE_SCHEMA_ID = "nanoweave.profile/1";

const positiveInt = z.number().int().positive();
const positive = z.number().positive();
/** Grid axes are strictly increasing so interpolation can bisect them. */
const axis = z
  .array(positiveInt)
  .min(1)
  .refine((values) => values.every((v, i) => i === 0 || v > values[i - 1]!), "must be strictly increasing");

/** GEMM C[tokens, n] = A[tokens, k] · W[n, k]^T in bf16 with fp32 accumulation. */
export const GemmTableSchema = z
  .strictObject({
    n: positiveInt,
    k: positiveInt,
    tokens: axis,
    sms: axis,
    /** [tokens][sms] */
    timeUs: z.array(z.array(positive)),
  })
  .superRefine((t, ctx) => checkGrid(ctx, t.timeUs, [t.tokens.length, t.sms.length], ["timeUs"]));

/** Decode attention over a paged KV cache: one query token per request. */
export const DecodeAttentionTableSchema = z
  .strictObject({
  headDim: positiveInt,
  /** Query heads per KV head (grouped-query attention). */
  groupSize: positiveInt,
  /** KV heads on this GPU. */
  kvHeads: positiveInt,
  requests: axis,
  context: axis,
  sms: axis,
  /** [requests][context][sms] */
  timeUs: z.array(z.array(z.array(positive))),
  })
  .superRefine((t, ctx) => checkGrid(ctx, t.timeUs, [t.requests.length, t.context.length, t.sms.length], ["timeUs"]));

/**
 * All-reduce (sum, bf16) across `gpus` GPUs of one host on `ctas` SMs of each: NCCL limited to that
 * many CTAs, or the peer kernel on a partition of that many SMs.
 */
export const AllReduceTableSchema = z
  .strictObject({
  gpus: z.number().int().min(2),
  bytes: axis,
  ctas: axis,
  /** [bytes][ctas] */
  timeUs: z.array(z.array(positive)),
  /** Set when the table was fitted from other GPU counts rather than measured at this one. */
  extrapolatedFrom: z.array(z.number().int().min(2)).optional(),
  })
  .superRefine((t, ctx) => checkGrid(ctx, t.timeUs, [t.bytes.length, t.ctas.length], ["timeUs"]));

/**
 * One element-wise kernel timed over token rows and SM counts at one shard's shape. Other shapes
 * are read at the rows that move as many bytes: tokens x their bytes per row / `bytesPerToken`.
 */
export const ElementwiseTableSchema = z
  .strictObject({
    kernel: z.enum(ELEMENTWISE_KERNELS),
    /** Bytes one row moved (read plus write) at the measured shape, as planner/model/elementwise-kernels.ts counts them. */
    bytesPerToken: positive,
    /** The measured shape, for readers: "hidden 8192". */
    shape: z.string().min(1),
    tokens: axis,
    sms: axis,
    /** [tokens][sms] */
    timeUs: z.array(z.array(positive)),
  })
  .superRefine((t, ctx) => checkGrid(ctx, t.timeUs, [t.tokens.length, t.sms.length], ["timeUs"]));

/**
 * The GEMM rows an interference point without `gemmTokens` was measured at: one Llama-2-70B TP8
 * layer's 2048 tokens, as every point was before the field.
 */
export const REFERENCE_INTERFERENCE_GEMM_TOKENS = 2048;

/** How much slower each of two co-running kernels gets, beside a partner holding `partnerSms`. */
export const InterferencePointSchema = z.strictObject({
  partnerSms: positiveInt,
  /** GEMM time beside the partner / GEMM time alone on the same SMs (>= 1 means slower). */
  gemmFactor: positive,
  /** Partner time beside the GEMM / partner time alone on the same SMs. */
  partnerFactor: positive,
  /**
   * RMSNorm (memory-bound, like every element-wise kernel) on the GEMM's SMs beside the partner /
   * alone: it competes with attention for memory bandwidth, where a GEMM mostly does not. Measured
   * beside attention, once for each partnerSms (it runs in the GEMM's place, so the GEMM's rows do
   * not enter it); where no point of a list has it (all-reduce partners, older profiles)
   * element-wise kernels take gemmFactor.
   */
  elementwiseFactor: positive.optional(),
  /**
   * The partner (attention) beside that RMSNorm / alone, measured with elementwiseFactor. Beside a
   * kernel that streams memory from most of the SMs, attention on a few slows far more than beside
   * a GEMM, so the element-wise kernels a plan runs beside it stretch it (planner/schedule).
   */
  partnerElementwiseFactor: positive.optional(),
  /**
   * Rows of the GEMM (REFERENCE_INTERFERENCE_GEMM_TOKENS where absent). The fewer, the more of the
   * memory's bandwidth a GEMM draws for its weights, and beside attention, which reads near the
   * limit, both slow more: GEMM beside attention is measured at several.
   */
  gemmTokens: positiveInt.optional(),
  /**
   * SMs of the GEMM's partition. Where absent, every SM the partner leaves (the GPU's SMs less
   * partnerSms): how GEMM beside attention is measured, and how profiles before this field measured
   * GEMM beside all-reduce. Plans give the GEMMs a split's group, less than that beside an all-reduce.
   */
  gemmSms: positiveInt.optional(),
});

/**
 * An all-reduce on a network partition of every GPU beside decode attention on a memory partition of
 * each: how much slower each gets. Plans put both beside the GEMMs; the planner composes this pair
 * with the GEMM pairs above by multiplying factors.
 */
export const AllReduceAttentionPointSchema = z.strictObject({
  /** SMs of the all-reduce's partition (NCCL CTAs = these SMs). */
  networkSms: positiveInt,
  /** SMs of the attention's partition. */
  memorySms: positiveInt,
  /** All-reduce time beside attention / time alone on the same partition. */
  allReduceFactor: positive,
  /** Attention time beside the all-reduce / time alone on the same partition. */
  attentionFactor: positive,
});

/**
 * nanoweave's peer all-reduce (native/kernels/peer_sum.cu), measured as NCCL's is: its times, the
 * GEMM beside it, and it beside decode attention. Absent until `nanoweave profile` measures it on
 * two or more GPUs; a plan for it needs all three.
 */
export const PeerAllReduceSchema = z.strictObject({
  tables: z.array(AllReduceTableSchema).min(1),
  gemmWithAllReduce: z.array(InterferencePointSchema).min(1),
  allReduceWithAttention: z.array(AllReduceAttentionPointSchema).min(1),
});

/**
 * What ordering work between the runtime's lanes costs beyond the work itself (a lane is a stream;
 * a split's lanes are its green-context partitions): kernels of a set length chained in a CUDA
 * graph across lanes, against the same chain on one lane. Absent until `nanoweave profile` measures
 * it; a plan from a profile without it prices switching lanes at nothing, and says so.
 */
export const LaneSwitchSchema = z.strictObject({
  /** A dependency between two partitions of one split. */
  crossLaneUs: z.number().nonnegative(),
  /** By the split's partition count: each switch between all of them and an op alone on the whole GPU (it waits for every lane, then every lane for it). */
  wholeGpu: z.array(z.strictObject({ lanes: positiveInt, switchUs: z.number().nonnegative() })).min(1),
});

/**
 * How much slower work alone on the whole GPU runs in a serving loop than the tables say: each kind
 * timed in a window after half a second of the same (the GPU held at its power limit, its clocks
 * lowered) over the same window after idling (clocks at boost, as the tables are measured).
 * Co-running work carries the same in its interference factors. Absent until `nanoweave profile`
 * measures it; a plan from a profile without it times work alone at the tables' clocks, and says so.
 */
export const SustainedLoadSchema = z.strictObject({
  /**
   * The co-running pairs' GEMM (gate/up at 2048 tokens) on every SM, in a layer's mix: it then their
   * decode attention, a repetition each; the mix's sustained time less the attention's, over the
   * GEMM's time cool. (Run alone, a GEMM draws more and slows more than beside attention in a loop.)
   */
  gemmFactor: positive,
  /**
   * The same GEMM at half the rows (a nano-batch's) on every SM inside a pipelined plan's mix: the
   * co-running pair on a split, then the GEMM alone; the mix's sustained time less the pair's, over
   * the GEMM's time cool. A plan runs hotter than the sequential loop (absent in older profiles).
   */
  pipelinedGemmFactor: positive.optional(),
  /**
   * The sequential mix again with the hold kernel (native/kernels/hold.cu) on every SM for
   * `networkShare` of each repetition, standing in for a tensor-parallel sequential layer's
   * all-reduces, whose low draw lets the clocks rise between the GEMMs: (the mix sustained - the
   * attention sustained - the hold) / the GEMM cool, at each share measured (absent in older profiles).
   */
  sequentialGemmFactors: z.array(z.strictObject({ networkShare: z.number().positive().lt(1), gemmFactor: positive })).min(1).optional(),
  /** Decode attention of the co-running pairs on every SM. */
  attentionFactor: positive,
  /** RMSNorm over the bandwidth curve's rows on every SM, for every element-wise kernel. */
  elementwiseFactor: positive,
});

export const ProfileSchema = z.strictObject({
  schema: z.literal(PROFILE_SCHEMA_ID),
  /** measured: made by `nanoweave profile` on the GPU; analytic: derived from the GPU's specs. */
  source: z.enum(["measured", "analytic"]),
  provenance: z.strictObject({
    gpu: z.string().min(1),
    sms: positiveInt,
    memoryGiB: positive,
    computeCapability: z.string().optional(),
    driver: z.string().optional(),
    cuda: z.string().optional(),
    cublas: z.string().optional(),
    nccl: z.string().optional(),
    nvrtc: z.string().optional(),
    /** ISO 8601 date and time the profile was made. */
    date: z.string().min(1),
    /** nanoweave version that made it. */
    tool: z.string().min(1),
    command: z.string().optional(),
    durationSeconds: z.number().nonnegative().optional(),
    /** Assumptions behind an analytic profile, or anything a reader of a measurement should know. */
    notes: z.array(z.string()).default([]),
  }),
  /** SM shares the GPU grants to a partition (green contexts), ascending. */
  partition: z.strictObject({ granularity: positiveInt, min: positiveInt }),
  gemm: z.array(GemmTableSchema),
  decodeAttention: z.array(DecodeAttentionTableSchema).min(1),
  /** Causal prefill attention: effective TFLOP/s by SM count (4·tokens·context·heads·headDim FLOPs). */
  prefillAttention: z
    .strictObject({ headDim: positiveInt, sms: axis, tflops: z.array(positive) })
    .superRefine((t, ctx) => checkGrid(ctx, t.tflops, [t.sms.length], ["tflops"])),
  /**
   * Memory-bound small kernels (RMSNorm, RoPE and KV append, SiLU-and-mul, embedding, argmax): a
   * kernel with a table of its own is read from it; any other moves its bytes at RMSNorm's bandwidth
   * by SM count, after a fixed launch cost.
   */
  elementwise: z
    .strictObject({
      sms: axis,
      bandwidthTBs: z.array(positive),
      launchUs: z.number().nonnegative(),
      tables: z.array(ElementwiseTableSchema).optional(),
    })
    .superRefine((t, ctx) => {
      checkGrid(ctx, t.bandwidthTBs, [t.sms.length], ["bandwidthTBs"]);
      const seen = new Set<string>();
      t.tables?.forEach((table, i) => {
        if (seen.has(table.kernel)) ctx.addIssue({ code: "custom", message: `a second table for ${table.kernel}; keep one per kernel`, path: ["tables", i, "kernel"] });
        seen.add(table.kernel);
      });
    }),
  /** NCCL's all-reduce. */
  allReduce: z.array(AllReduceTableSchema),
  interference: z.strictObject({
    gemmWithAttention: z.array(InterferencePointSchema).min(1),
    gemmWithAllReduce: z.array(InterferencePointSchema).min(1),
    allReduceWithAttention: z.array(AllReduceAttentionPointSchema).min(1),
  }),
  peerAllReduce: PeerAllReduceSchema.optional(),
  laneSwitch: LaneSwitchSchema.optional(),
  sustainedLoad: SustainedLoadSchema.optional(),
});

export type Profile = z.infer<typeof ProfileSchema>;
export type GemmTable = z.infer<typeof GemmTableSchema>;
export type DecodeAttentionTable = z.infer<typeof DecodeAttentionTableSchema>;
export type ElementwiseTable = z.infer<typeof ElementwiseTableSchema>;
export type AllReduceTable = z.infer<typeof AllReduceTableSchema>;
export type InterferencePoint = z.infer<typeof InterferencePointSchema>;
export type AllReduceAttentionPoint = z.infer<typeof AllReduceAttentionPointSchema>;
export type PeerAllReduceProfile = z.infer<typeof PeerAllReduceSchema>;
export type LaneSwitchProfile = z.infer<typeof LaneSwitchSchema>;
export type SustainedLoadProfile = z.infer<typeof SustainedLoadSchema>;

/** A nested array must have one entry per point of its axes. */
function checkGrid(ctx: z.RefinementCtx, values: unknown, shape: readonly number[], path: (string | number)[] = []): void {
  const [length, ...rest] = shape;
  if (!Array.isArray(values) || values.length !== length) {
    ctx.addIssue({ code: "custom", message: `expected ${length} values, one per point of the axis`, path });
    return;
  }
  if (rest.length > 0) values.forEach((row, i) => checkGrid(ctx, row, rest, [...path, i]));
}
