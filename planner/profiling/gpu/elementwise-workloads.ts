/**
 * Each element-wise kernel as the profile times it, for its table (and RMSNorm also for its
 * bandwidth curve and its co-run beside attention): at the shape of one GPU's shard of Llama-2-70B
 * at tensor parallelism 8, launched through the runtime's ModelKernels, so the profile times the
 * launches a plan runs. The buffers hold at least twice the L2 cache's bytes of rows, and
 * repetitions of a small launch rotate through disjoint rows, so that none finds its data in L2: in
 * a plan, attention streams the KV cache through L2 beside them, and a co-running plan predicted
 * from inputs warm in L2 ran 5% slower than predicted (H100, 2026-11-21 session 13).
 */
import type { DeviceArray } from "../../../runtime/gpu/index.js";
import type { Rows } from "../../../runtime/kernels/modelKernels.js";
import { ATTENTION_PAGE_SIZE } from "../../../runtime/kernels/kernelContracts.js";
import { shuffledOrder } from "../../../runtime/weights/seededRandom.js";
import { elementwiseBytesPerToken, type ElementwiseKernel } from "../../model/elementwise-kernels.js";
import type { GpuContext } from "./gpu-context.js";
import type { SmShare } from "./partitions.js";
import { graphWorkload, type Workload } from "./workload.js";

/** Llama-2-70B on one of 8 GPUs: the shard the runtime's one-GPU measurements run. */
export const ELEMENTWISE_SHAPE = { hiddenSize: 8192, qHeads: 8, kvHeads: 1, headDim: 128, intermediate: 3584, vocab: 4000 } as const;
/** Rows of one RMSNorm launch for its bandwidth curve and its co-run beside attention. */
export const RMSNORM_CURVE_ROWS = 8192;
const ROPE_THETA = 10_000;
const EPS = 1e-5;

export interface ElementwiseWorkload {
  readonly bytesPerToken: number;
  /** The measured shape, for the profile's readers. */
  readonly shape: string;
  /** One launch over `rows` rows on the share per repetition, each repetition on the next rows. */
  on(share: SmShare, rows: number): Workload;
  dispose(): void;
}

export async function elementwiseWorkload(ctx: GpuContext, kernel: ElementwiseKernel, maxRows: number): Promise<ElementwiseWorkload> {
  const kernels = await ctx.kernels.model();
  const { hiddenSize: h, qHeads, kvHeads, headDim, intermediate, vocab } = ELEMENTWISE_SHAPE;
  const bytesPerToken = elementwiseBytesPerToken(kernel, ELEMENTWISE_SHAPE);
  const capacity = Math.max(maxRows, Math.ceil((2 * ctx.gpu.info.l2CacheBytes) / bytesPerToken));
  const arrays: DeviceArray<"bf16" | "int32" | "fp32">[] = [];
  const keep = <T extends DeviceArray<"bf16" | "int32" | "fp32">>(array: T): T => (arrays.push(array), array);
  const bf16 = (length: number) => keep(ctx.random.bf16(length));
  const int32 = (values: Int32Array) => keep(ctx.gpu.upload("int32", values));
  const below = (bound: number) => Int32Array.from({ length: capacity }, () => Math.floor(Math.random() * bound));
  const made = (shape: string, launch: (share: SmShare, rows: Rows) => void): ElementwiseWorkload => ({
    bytesPerToken,
    shape,
    on: (share, rows) => {
      const rotation = Math.max(1, Math.floor(capacity / rows));
      return graphWorkload([share.stream], (_, rep) => {
        const rowBegin = (rep % rotation) * rows;
        launch(share, { rowBegin, rowEnd: rowBegin + rows });
      }, rotation);
    },
    dispose: () => arrays.forEach((array) => array.dispose()),
  });
  try {
    switch (kernel) {
      case "rmsnorm": {
        const [x, weight, out] = [bf16(capacity * h), bf16(h), bf16(capacity * h)];
        return made(`hidden ${h}`, ({ stream, smCount }, rows) => kernels.rmsnorm(stream, rows, smCount, x, weight, out, h, EPS));
      }
      case "rope_kv_append": {
        // Each row appends to its own page, in a shuffled order, as requests' pages lie in a real cache.
        const pages = shuffledOrder(Float64Array.from({ length: capacity }, Math.random));
        const cacheElements = capacity * kvHeads * ATTENTION_PAGE_SIZE * headDim;
        const args = {
          qkv: bf16(capacity * (qHeads + 2 * kvHeads) * headDim),
          q: bf16(capacity * qHeads * headDim),
          kCache: bf16(cacheElements),
          vCache: bf16(cacheElements),
          positions: int32(below(ATTENTION_PAGE_SIZE)),
          pageTable: int32(pages),
          qHeads,
          kvHeads,
          pageSize: ATTENTION_PAGE_SIZE,
          maxPages: 1,
          ropeTheta: ROPE_THETA,
        };
        return made(`${qHeads} query and ${kvHeads} KV heads of ${headDim}, pages of ${ATTENTION_PAGE_SIZE}`, ({ stream }, rows) => kernels.ropeKvAppend(stream, rows, args));
      }
      case "silu_mul": {
        const [gateUp, out] = [bf16(capacity * 2 * intermediate), bf16(capacity * intermediate)];
        return made(`FFN ${intermediate}`, ({ stream }, rows) => kernels.siluAndMul(stream, rows, gateUp, out, intermediate));
      }
      case "embedding": {
        const [table, ids, out] = [bf16(vocab * h), int32(below(vocab)), bf16(capacity * h)];
        return made(`hidden ${h}, ${vocab} vocabulary rows`, ({ stream }, rows) => kernels.embedding(stream, rows, table, ids, out, h, vocab));
      }
      case "argmax": {
        const [logits, ids, maxima] = [bf16(capacity * vocab), keep(ctx.gpu.allocate("int32", capacity)), keep(ctx.gpu.allocate("fp32", capacity))];
        return made(`${vocab} vocabulary rows`, ({ stream }, rows) => kernels.argmax(stream, rows, logits, ids, maxima, vocab, vocab));
      }
    }
  } catch (error) {
    arrays.forEach((array) => array.dispose());
    throw error;
  }
}
