/**
 * The operation graph of one decoder layer of a tensor-parallel shard, as operation groups: the
 * kernels one nano-batch runs back to back on one stream. A nano-batch of t tokens carries the
 * dense batch's mix of decode and prefill tokens (decode rows first), so every group's time is a
 * function of t and of the SMs it runs on.
 */
import type { CostModel } from "../profile/cost-model.js";
import type { StreamCategory } from "../schedule/problem.js";
import type { DenseBatch } from "./dense-batch.js";
import { elementwiseBytesPerToken, type ElementwiseKernel } from "./elementwise-kernels.js";
import { layerGemmShapes, type Shard } from "./shard.js";

export type KernelKind =
  | "embedding"
  | "rmsnorm"
  | "qkv_gemm"
  | "rope_kv_append"
  | "decode_attention"
  | "prefill_attention"
  | "o_gemm"
  | "all_reduce"
  | "gate_up_gemm"
  | "silu_mul"
  | "down_gemm"
  | "lm_head_gemm"
  | "argmax";

export interface TokenCounts {
  total: number;
  decode: number;
  prefill: number;
}

export interface KernelOp {
  kind: KernelKind;
  /** Bound by memory bandwidth (element-wise kernels): beside attention it slows as attention's partner does, not as a GEMM. */
  elementwise: boolean;
  /** Microseconds on these tokens confined to `sms` SMs, alone. */
  timeUs(tokens: TokenCounts, sms: number): number;
}

export interface LayerGroup {
  id: string;
  stream: StreamCategory;
  kernels: KernelOp[];
}

export interface LayerGraph {
  groups: LayerGroup[];
  /** Within one nano-batch: group index `from` ends before `to` starts. */
  edges: { from: number; to: number }[];
  /** Once per iteration, before the first layer and after the last, on the whole GPU. */
  prologue: KernelOp[];
  epilogue: KernelOp[];
}

const BYTES = 2;

/**
 * @param allReduce false plans one GPU's shard without its all-reduces, to run and measure a
 *   tensor-parallel shard on a single GPU.
 */
export function buildLayerGraph(shard: Shard, batch: DenseBatch, cost: CostModel, allReduce = true): LayerGraph {
  const tp = shard.tensorParallel;
  const communicates = allReduce && tp > 1;
  const h = shard.hiddenSize;
  const shapes = layerGemmShapes(shard);
  const gemm = (kind: KernelKind, shape: { n: number; k: number }): KernelOp => ({
    kind,
    elementwise: false,
    timeUs: (t, sms) => cost.gemmUs(shape.n, shape.k, t.total, sms),
  });
  const elementwise = (kind: ElementwiseKernel, tokens: (t: TokenCounts) => TokenCounts = (t) => t): KernelOp => {
    const bytesPerToken = elementwiseBytesPerToken(kind, shard);
    return { kind, elementwise: true, timeUs: (t, sms) => cost.elementwiseUs(kind, tokens(t).total, bytesPerToken, sms) };
  };
  const allReduceKernel: KernelOp = {
    kind: "all_reduce",
    elementwise: false,
    // NCCL holds one SM per CTA; it is given as many CTAs as its partition has SMs, up to 32.
    timeUs: (t, sms) => cost.allReduceUs(t.total * h * BYTES, tp, Math.min(sms, 32)),
  };
  const rmsnorm = elementwise("rmsnorm");
  const groups: LayerGroup[] = [
    { id: "attn_in", stream: "compute", kernels: [rmsnorm, gemm("qkv_gemm", shapes.qkv), elementwise("rope_kv_append")] },
    {
      id: "attn",
      stream: "memory",
      kernels: [
        {
          kind: "decode_attention",
          elementwise: false,
          timeUs: (t, sms) =>
            cost.decodeAttentionUs(
              { requests: t.decode, context: batch.decodeContext, kvHeads: shard.kvHeads, groupSize: shard.qHeads / shard.kvHeads, headDim: shard.headDim },
              sms,
            ),
        },
      ],
    },
  ];
  if (batch.prefillTokens > 0) {
    groups.push({
      id: "pattn",
      stream: "compute",
      kernels: [
        {
          kind: "prefill_attention",
          elementwise: false,
          timeUs: (t, sms) =>
            cost.prefillAttentionUs({ tokens: t.prefill, context: batch.prefillContext, qHeads: shard.qHeads, headDim: shard.headDim }, sms),
        },
      ],
    });
  }
  groups.push({ id: "o", stream: "compute", kernels: [gemm("o_gemm", shapes.o)] });
  if (communicates) groups.push({ id: "ar_o", stream: "network", kernels: [allReduceKernel] });
  groups.push(
    { id: "ffn_in", stream: "compute", kernels: [rmsnorm, gemm("gate_up_gemm", shapes.gateUp), elementwise("silu_mul")] },
    { id: "down", stream: "compute", kernels: [gemm("down_gemm", shapes.down)] },
  );
  if (communicates) groups.push({ id: "ar_d", stream: "network", kernels: [allReduceKernel] });

  const index = (id: string): number => groups.findIndex((g) => g.id === id);
  const edges: { from: number; to: number }[] = [];
  const link = (from: string, to: string): void => {
    if (index(from) >= 0 && index(to) >= 0) edges.push({ from: index(from), to: index(to) });
  };
  link("attn_in", "attn");
  link("attn_in", "pattn");
  link("attn", "o");
  link("pattn", "o");
  if (communicates) {
    link("o", "ar_o");
    link("ar_o", "ffn_in");
  } else {
    link("o", "ffn_in");
  }
  link("ffn_in", "down");
  link("down", "ar_d");

  const logitTokens = (t: TokenCounts): TokenCounts => {
    // Decode tokens, plus the last prompt token of each request whose prefill completes.
    const finishing = batch.prefillContext > 0 ? Math.ceil(t.prefill / (2 * batch.prefillContext)) : 0;
    return { total: t.decode + finishing, decode: t.decode, prefill: finishing };
  };
  const prologue: KernelOp[] = [elementwise("embedding")];
  if (communicates) prologue.push(allReduceKernel);
  const lmHead = gemm("lm_head_gemm", { n: shard.vocab, k: h });
  const epilogue: KernelOp[] = [
    rmsnorm,
    { ...lmHead, timeUs: (t, sms) => lmHead.timeUs(logitTokens(t), sms) },
    elementwise("argmax", logitTokens),
  ];
  return { groups, edges, prologue, epilogue };
}

/** The tokens of a nano-batch of `tokens` rows, carrying the dense batch's decode/prefill mix. */
export function tokenCounts(batch: DenseBatch, tokens: number): TokenCounts {
  const decode = Math.round((tokens * batch.decodeTokens) / batch.tokens);
  return { total: tokens, decode, prefill: tokens - decode };
}

/** GEMM shapes (n, k) a profile needs for this shard, the LM head included. */
export function profiledGemmShapes(shard: Shard): { n: number; k: number }[] {
  const s = layerGemmShapes(shard);
  return [s.qkv, s.o, s.gateUp, s.down, { n: shard.vocab, k: shard.hiddenSize }];
}
