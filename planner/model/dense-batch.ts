/**
 * The dense batch one iteration processes: how many tokens, how many of them decode and prefill,
 * the contexts they attend to, and whether the KV cache that batch needs fits beside the weights.
 */
import { InputError } from "../errors.js";
import type { GpuSpec, Workload } from "../config/index.js";
import type { Shard } from "./shard.js";

export interface DenseBatch {
  tokens: number;
  decodeTokens: number;
  prefillTokens: number;
  /** Mean KV length a decode token attends to. */
  decodeContext: number;
  /** Mean KV length a prefill token attends to (its position in its prompt). */
  prefillContext: number;
  /** Requests in flight, each holding KV-cache space for its whole prompt and output. */
  requests: number;
  granule: number;
  /** Sized by the planner (--batch auto or best), not given. */
  auto: boolean;
  memory: MemoryBudget;
}

export interface MemoryBudget {
  gpuBytes: number;
  /** CUDA context, cuBLAS and NCCL workspaces, fragmentation: kept free. */
  reservedBytes: number;
  weightBytes: number;
  activationBytes: number;
  kvCacheBytes: number;
  freeBytes: number;
}

/** Kept free for the CUDA context, cuBLAS and NCCL workspaces and allocator slack. */
const RESERVED_BYTES = 3 * 2 ** 30;
const RESERVED_FRACTION = 0.05;
/** Beyond this the batch stops paying off and the profile's token range ends. */
export const MAX_DENSE_BATCH = 8192;

export interface DenseBatchRequest {
  /** Tokens per iteration, or "largest": the largest batch whose KV cache fits. */
  batch: number | "largest";
  granule: number;
}

export function sizeDenseBatch(shard: Shard, gpu: GpuSpec, workload: Workload, request: DenseBatchRequest): DenseBatch {
  const { granule } = request;
  const mix = tokenMix(workload);
  const gpuBytes = gpu.memoryGiB * 2 ** 30;
  const reservedBytes = RESERVED_BYTES + RESERVED_FRACTION * gpuBytes;
  // Activations of one iteration: a few [tokens, max width] bf16 buffers live at once.
  const activationPerToken = 6 * Math.max(shard.hiddenSize, 2 * shard.intermediate, (shard.qHeads + 2 * shard.kvHeads) * shard.headDim) * 2;
  const kvPerRequest = shard.kvBytesPerToken * mix.kvTokensPerRequest;
  const available = gpuBytes - reservedBytes - shard.weightBytes;
  const gib = (bytes: number): string => `${(bytes / 2 ** 30).toFixed(1)} GiB`;
  if (available <= 0) {
    throw new InputError(
      `the weights alone (${gib(shard.weightBytes)} per GPU) leave no memory on the ${gpu.name} (${gib(gpuBytes)}, ` +
        `${gib(reservedBytes)} reserved): ${gib(-available)} missing; raise --gpus`,
      "--gpus",
    );
  }
  let tokens: number;
  if (request.batch === "largest") {
    // tokens = requests * tokensPerRequestPerIteration, and each request holds kvPerRequest.
    const perToken = kvPerRequest / mix.tokensPerRequest + activationPerToken;
    tokens = Math.min(MAX_DENSE_BATCH, Math.floor(available / perToken / granule) * granule);
    // Requests are whole, so rounding them up can overshoot by one request's KV cache.
    const needs = (t: number): number => Math.ceil(t / mix.tokensPerRequest) * kvPerRequest + t * activationPerToken;
    while (tokens >= granule && needs(tokens) > available) tokens -= granule;
    if (tokens < granule) {
      const needed = granule * perToken - available;
      throw new InputError(
        `no room for the KV cache: one granule of ${granule} tokens needs ${gib(granule * perToken)} beside ` +
          `${gib(shard.weightBytes)} of weights per GPU; ${gib(needed)} missing. Raise --gpus, use a shorter --workload or a smaller --granule`,
        "--gpus",
      );
    }
  } else {
    tokens = request.batch;
    if (!Number.isInteger(tokens) || tokens < granule || tokens % granule !== 0) {
      throw new InputError(`--batch must be a positive multiple of the granule (${granule} tokens), got ${tokens}`, "--batch");
    }
  }
  const requests = Math.ceil(tokens / mix.tokensPerRequest);
  const kvCacheBytes = requests * kvPerRequest;
  const activationBytes = tokens * activationPerToken;
  const freeBytes = available - kvCacheBytes - activationBytes;
  if (freeBytes < 0) {
    throw new InputError(
      `a dense batch of ${tokens} tokens keeps ${requests} requests in flight, whose KV cache (${gib(kvCacheBytes)}) and ` +
        `activations (${gib(activationBytes)}) need ${gib(-freeBytes)} more than the ${gib(available)} left beside the weights; ` +
        "lower --batch, use --batch auto, or raise --gpus",
      "--batch",
    );
  }
  const decodeTokens = Math.round(tokens * mix.decodeFraction);
  return {
    tokens,
    decodeTokens,
    prefillTokens: tokens - decodeTokens,
    decodeContext: mix.decodeContext,
    prefillContext: mix.prefillContext,
    requests,
    granule,
    auto: request.batch === "largest",
    memory: { gpuBytes, reservedBytes, weightBytes: shard.weightBytes, activationBytes, kvCacheBytes, freeBytes },
  };
}

interface TokenMix {
  decodeFraction: number;
  decodeContext: number;
  prefillContext: number;
  /** Tokens one request contributes to each iteration's dense batch, on average. */
  tokensPerRequest: number;
  /** KV-cache tokens one request holds (its whole prompt and output, reserved up front). */
  kvTokensPerRequest: number;
}

/**
 * Continuous batching in steady state: every request in flight decodes one token per iteration,
 * and requests finish at the rate new prompts are prefilled, so each iteration prefills
 * prompt/output tokens per request in flight.
 */
function tokenMix(workload: Workload): TokenMix {
  if (workload.kind === "decode") {
    return { decodeFraction: 1, decodeContext: workload.contextTokens, prefillContext: 0, tokensPerRequest: 1, kvTokensPerRequest: workload.contextTokens + 1 };
  }
  const { promptTokens: p, outputTokens: o } = workload;
  return {
    decodeFraction: o / (p + o),
    decodeContext: p + o / 2,
    prefillContext: p / 2,
    tokensPerRequest: (p + o) / o,
    kvTokensPerRequest: p + o,
  };
}
