/**
 * Schemas of the three config kinds under configs/ (models, GPUs, workloads) and the resolved types
 * the planner works with. Our own files are strict objects, so a misspelt key is an error rather
 * than a silently ignored field; a Hugging Face config.json is a loose object, since it carries
 * many keys nanoweave never reads.
 */
import { z } from "zod";

const count = z.int().positive();
const positive = z.number().positive();
const name = z.string().min(1);

/** The model_type values whose decoder layer is the one the planner models (RMSNorm, RoPE, GQA, SwiGLU). */
export const SUPPORTED_MODEL_TYPES = ["llama", "mistral", "qwen2", "mixtral"] as const;
export type ModelType = (typeof SUPPORTED_MODEL_TYPES)[number];

/**
 * The fields of a Hugging Face config.json that the planner reads. Optional fields get their
 * transformers defaults when the model is resolved, not here, so the raw config stays as written.
 * HF writes `null` for some unset fields, which counts as absent.
 */
export const HfConfigSchema = z
  .looseObject({
    model_type: z.enum(SUPPORTED_MODEL_TYPES, {
      error: (issue) =>
        issue.input === undefined
          ? "missing model_type"
          : `model_type must be one of ${SUPPORTED_MODEL_TYPES.join(", ")} (Llama-family decoders)`,
    }),
    architectures: z.array(z.string()).optional(),
    hidden_size: count,
    intermediate_size: count,
    num_attention_heads: count,
    num_key_value_heads: count.nullish(),
    head_dim: count.nullish(),
    num_hidden_layers: count,
    vocab_size: count,
    rms_norm_eps: positive.optional(),
    rope_theta: positive.nullish(),
    max_position_embeddings: count.optional(),
    torch_dtype: z.string().optional(),
    tie_word_embeddings: z.boolean().nullish(),
    attention_bias: z.boolean().nullish(),
    // The layer graph has a SiLU-and-mul MLP; another activation would make every plan wrong.
    hidden_act: z.literal("silu", { error: 'the planner models a SiLU-gated MLP: hidden_act must be "silu"' }).optional(),
    num_local_experts: count.nullish(),
    num_experts_per_tok: count.nullish(),
  })
  .superRefine((hf, ctx) => {
    const kvHeads = hf.num_key_value_heads ?? hf.num_attention_heads;
    if (hf.num_attention_heads % kvHeads !== 0) {
      ctx.addIssue({
        code: "custom",
        path: ["num_key_value_heads"],
        message: `num_attention_heads (${hf.num_attention_heads}) must be a multiple of num_key_value_heads (${kvHeads})`,
      });
    }
    if (hf.head_dim == null && hf.hidden_size % hf.num_attention_heads !== 0) {
      ctx.addIssue({
        code: "custom",
        path: ["head_dim"],
        message: `hidden_size (${hf.hidden_size}) is not a multiple of num_attention_heads (${hf.num_attention_heads}): give head_dim`,
      });
    }
    if ((hf.num_local_experts == null) !== (hf.num_experts_per_tok == null)) {
      ctx.addIssue({
        code: "custom",
        path: [hf.num_local_experts == null ? "num_local_experts" : "num_experts_per_tok"],
        message: "a mixture-of-experts config needs both num_local_experts and num_experts_per_tok",
      });
    } else if (hf.num_local_experts != null && hf.num_experts_per_tok! > hf.num_local_experts) {
      ctx.addIssue({
        code: "custom",
        path: ["num_experts_per_tok"],
        message: `num_experts_per_tok (${hf.num_experts_per_tok}) exceeds num_local_experts (${hf.num_local_experts})`,
      });
    }
  });
export type HfConfig = z.infer<typeof HfConfigSchema>;

/** configs/models/<id>.json: a Hugging Face config with a display name, aliases and provenance. */
export const ModelFileSchema = z.strictObject({
  name,
  aliases: z.array(name),
  source: name,
  config: HfConfigSchema,
});
export type ModelFile = z.infer<typeof ModelFileSchema>;

/** configs/gpus/<id>.json. Units are in the key names; vendor peak figures, not measurements. */
export const GpuFileSchema = z.strictObject({
  name,
  aliases: z.array(name),
  sms: count,
  /** Total device memory as the driver reports it (nvidia-smi MiB / 1024), before any CUDA context. */
  memoryGiB: positive,
  memoryBandwidthTBs: positive,
  bf16DenseTflops: positive,
  l2MiB: positive,
  computeCapability: z.string().regex(/^\d+\.\d+$/, 'write it as "major.minor", e.g. "9.0"'),
  /** How green contexts split the SMs: groups of at least `min` SMs in multiples of `granularity`, plus a remainder. */
  partition: z.strictObject({ granularity: count, min: count }),
  /** Per-GPU bandwidth in one direction, the figure NCCL's bus bandwidth is compared with. */
  interconnect: z.strictObject({ kind: z.enum(["nvlink", "pcie"]), busBandwidthGBs: positive }),
  source: name,
});
export type GpuFile = z.infer<typeof GpuFileSchema>;

/** configs/workloads/<id>.json: what the dense batch of one iteration is made of. */
export const WorkloadFileSchema = z.discriminatedUnion("kind", [
  /** Continuous batching in steady state: each request prefills its prompt once, then decodes outputTokens tokens. */
  z.strictObject({
    kind: z.literal("continuous"),
    name,
    description: name,
    promptTokens: count,
    outputTokens: count,
  }),
  /** Every token of the dense batch is a decode token at contextTokens of context (the runtime benchmark case). */
  z.strictObject({
    kind: z.literal("decode"),
    name,
    description: name,
    contextTokens: count,
  }),
]);
export type WorkloadFile = z.infer<typeof WorkloadFileSchema>;

/** A model as the planner sees it: the HF fields it needs, with the transformers defaults applied. */
export interface ResolvedModel {
  name: string;
  /** The file id under configs/models, or the path it was read from. */
  id: string;
  aliases: string[];
  source: string;
  hiddenSize: number;
  intermediateSize: number;
  numHeads: number;
  numKvHeads: number;
  headDim: number;
  numLayers: number;
  vocabSize: number;
  rmsNormEps: number;
  ropeTheta: number;
  maxPositionEmbeddings?: number;
  /** Weights and KV cache are planned in bf16 whatever torch_dtype says. */
  bytesPerParam: 2;
  tieWordEmbeddings: boolean;
  /** A bias on the Q, K and V projections (Qwen2 always; Llama when attention_bias is set). */
  attentionBias: boolean;
  /** Set for mixture-of-experts models; the planner refuses these for now. */
  moe?: { experts: number; expertsPerToken: number };
  /** The validated config.json as written, unknown keys included. */
  hf: Record<string, unknown>;
}

export type GpuSpec = GpuFile & {
  /** The file id under configs/gpus, or the path it was read from. */
  id: string;
};

export type Workload = WorkloadFile & {
  /** The file id under configs/workloads, or the path it was read from. */
  id: string;
};
