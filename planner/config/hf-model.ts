/**
 * What a Hugging Face config.json means for the planner: which families it can plan, and the
 * transformers defaults of the fields a config may leave out.
 */
import { InputError } from "../errors.js";
import { SUPPORTED_MODEL_TYPES, type HfConfig, type ModelType, type ResolvedModel } from "./schema.js";

/** The defaults of each family's transformers config class for fields real configs sometimes omit. */
const FAMILY_DEFAULTS: Record<ModelType, { rmsNormEps: number; ropeTheta: number }> = {
  llama: { rmsNormEps: 1e-6, ropeTheta: 10000 },
  mistral: { rmsNormEps: 1e-6, ropeTheta: 10000 },
  qwen2: { rmsNormEps: 1e-6, ropeTheta: 10000 },
  mixtral: { rmsNormEps: 1e-5, ropeTheta: 1e6 },
};

const SUPPORTED_FAMILIES = `nanoweave plans Llama-family decoders (model_type ${SUPPORTED_MODEL_TYPES.join(", ")})`;

/**
 * Refuses a config of another family before the schema runs, since a GPT-2 or T5 config lacks
 * most Llama fields and the one useful message would drown among the missing-field ones.
 */
export function checkModelFamily(hf: unknown, file: string, field: string): void {
  const type = typeof hf === "object" && hf !== null ? (hf as Record<string, unknown>).model_type : undefined;
  if (typeof type === "string" && !(SUPPORTED_MODEL_TYPES as readonly string[]).includes(type)) {
    throw new InputError(`model_type "${type}" is not supported: ${SUPPORTED_FAMILIES}`, `${file}: ${field}`);
  }
}

/** The planner's view of a validated config. */
export function toResolvedModel(
  hf: HfConfig,
  meta: Pick<ResolvedModel, "name" | "id" | "aliases" | "source">,
): ResolvedModel {
  const defaults = FAMILY_DEFAULTS[hf.model_type];
  const numHeads = hf.num_attention_heads;
  return {
    ...meta,
    hiddenSize: hf.hidden_size,
    intermediateSize: hf.intermediate_size,
    numHeads,
    numKvHeads: hf.num_key_value_heads ?? numHeads,
    headDim: hf.head_dim ?? hf.hidden_size / numHeads,
    numLayers: hf.num_hidden_layers,
    vocabSize: hf.vocab_size,
    rmsNormEps: hf.rms_norm_eps ?? defaults.rmsNormEps,
    ropeTheta: hf.rope_theta ?? defaults.ropeTheta,
    ...(hf.max_position_embeddings !== undefined && { maxPositionEmbeddings: hf.max_position_embeddings }),
    bytesPerParam: 2,
    tieWordEmbeddings: hf.tie_word_embeddings ?? false,
    // Qwen2 always has a QKV bias; its config has no key saying so.
    attentionBias: hf.attention_bias ?? hf.model_type === "qwen2",
    ...(hf.num_local_experts != null &&
      hf.num_experts_per_tok != null && {
        moe: { experts: hf.num_local_experts, expertsPerToken: hf.num_experts_per_tok },
      }),
    hf,
  };
}
