/**
 * What each plan operation kind launches on one GPU, for one layer and one row range: the kernels
 * and GEMMs of a Llama decoder layer, and the prologue (embedding) and epilogue (final norm, LM head,
 * argmax). Under tensor parallelism these see one rank's shard; the all-reduces that join the
 * ranks are collectives.ts's.
 */
import type { PlanOperation } from "../../planner/plan/schema.js";
import type { Cublas, Stream } from "../gpu/index.js";
import type { ModelKernels, Rows } from "../kernels/modelKernels.js";
import type { PagedKvCache } from "../kvCache.js";
import { layerGemmShapes, type GemmShape } from "../../planner/model/shard.js";
import type { ModelShape } from "../model/modelShape.js";
import type { Activations } from "./activations.js";
import type { DeviceWeights } from "./deviceWeights.js";
import type { Lane } from "./lanes.js";

/** Everything a launch reads or writes. */
export interface ModelState {
  shape: ModelShape;
  /** This rank's real vocabulary rows: shape.vocab less the zero padding of the last rank. */
  vocabRows: number;
  /**
   * Whether this rank's O and down GEMMs add their output to the residual (C = A·B^T + C) rather
   * than overwrite it: rank 0 does; under tensor parallelism the others write their partial sums
   * there and the all-reduce sums them onto rank 0's.
   */
  addsResidual: boolean;
  kernels: ModelKernels;
  weights: DeviceWeights;
  cache: PagedKvCache;
  buffers: Activations;
}

export function launchOperation(state: ModelState, lane: Lane, op: PlanOperation, layer: number): void {
  const { shape, kernels, cache, buffers: b } = state;
  const w = state.weights.layers[layer]!;
  const stream = lane.stream;
  const rows: Rows = { rowBegin: op.rows[0], rowEnd: op.rows[1] };
  const m = rows.rowEnd - rows.rowBegin;
  if (m === 0) return;
  const gemms = layerGemmShapes(shape);
  const gemm = (a: typeof b.normed, weight: typeof w.qkv, c: typeof b.normed, { n, k }: GemmShape, beta = 0) => {
    const algorithm = lane.gemmAlgorithm({ n, k, rows: m, sms: op.smTarget });
    lane.cublas.get(op.smTarget)!.gemm({ stream, a, b: weight, c, m, n, k, rowOffset: rows.rowBegin, beta, algorithm });
  };
  const intoResidual = state.addsResidual ? 1 : 0;
  const { hiddenSize: h, qHeads, kvHeads, intermediate } = shape;
  const paging = { qHeads, kvHeads, pageSize: cache.layout.pageSize, maxPages: cache.layout.maxPages };
  switch (op.kind) {
    case "rmsnorm": {
      const weight = op.group === "attn_in" ? w.inputNorm : op.group === "ffn_in" ? w.postNorm : undefined;
      if (!weight) throw new Error(`operation ${op.id}: an RMSNorm in group ${op.group}, expected attn_in or ffn_in`);
      return kernels.rmsnorm(stream, rows, op.sms, b.residual, weight, b.normed, h, shape.rmsNormEps);
    }
    case "qkv_gemm":
      return gemm(b.normed, w.qkv, b.qkv, gemms.qkv);
    case "rope_kv_append":
      return kernels.ropeKvAppend(stream, rows, { qkv: b.qkv, q: b.q, kCache: cache.k[layer]!, vCache: cache.v[layer]!, positions: b.positions, pageTable: b.pageTable, ropeTheta: shape.ropeTheta, ...paging });
    case "decode_attention":
      return kernels.decodeAttention(stream, rows, op.sms, lane.attention!, { q: b.q, kCache: cache.k[layer]!, vCache: cache.v[layer]!, pageTable: b.pageTable, contextLens: b.contextLens, out: b.attention, ...paging });
    case "o_gemm":
      return gemm(b.attention, w.o, b.residual, gemms.o, intoResidual);
    case "gate_up_gemm":
      return gemm(b.normed, w.gateUp, b.gateUp, gemms.gateUp);
    case "silu_mul":
      return kernels.siluAndMul(stream, rows, b.gateUp, b.mlp, intermediate);
    case "down_gemm":
      return gemm(b.mlp, w.down, b.residual, gemms.down, intoResidual);
    default:
      throw new Error(`operation ${op.id}: kind ${op.kind} has no kernel in the runtime`);
  }
}

/** Embedding of every row into the residual stream (this rank's vocabulary rows; others zero). */
export function launchPrologue(state: ModelState, stream: Stream): void {
  const { shape, buffers: b } = state;
  const all = { rowBegin: 0, rowEnd: b.rows };
  state.kernels.embedding(stream, all, state.weights.embed, b.tokens, b.residual, shape.hiddenSize, shape.vocab);
}

/** Final RMSNorm, LM head (over the padded shard, the same GEMM on every rank) and greedy next tokens of every row over this rank's real vocabulary rows. */
export function launchEpilogue(state: ModelState, stream: Stream, cublas: Cublas): void {
  const { shape, buffers: b } = state;
  const all = { rowBegin: 0, rowEnd: b.rows };
  state.kernels.rmsnorm(stream, all, state.kernels.deviceSms, b.residual, state.weights.finalNorm, b.normed, shape.hiddenSize, shape.rmsNormEps);
  cublas.gemm({ stream, a: b.normed, b: state.weights.lmHead, c: b.logits, m: b.rows, n: shape.vocab, k: shape.hiddenSize });
  state.kernels.argmax(stream, all, b.logits, b.nextTokens, b.maxLogits, state.vocabRows, shape.vocab);
}
