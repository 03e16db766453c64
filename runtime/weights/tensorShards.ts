/**
 * Megatron-style tensor parallelism of a Llama's Hugging Face tensors: which part of each full
 * tensor rank r of `ranks` holds. Q/K/V and gate/up are split by output rows (each rank its heads
 * and its FFN columns), O and down by input columns (each rank's partial sums, all-reduced), the
 * embedding and LM head by vocabulary rows (ceil(vocab / ranks) each, the last rank's slice
 * padded with zero rows where the vocabulary does not divide: model/vocabSplit.ts); norms are whole on
 * every rank. Where there are fewer KV heads than ranks, each KV head is copied to the ranks whose
 * query heads use it.
 */
import { realVocabRows, splitVocab, vocabBegin } from "../model/vocabSplit.js";

export type ShardAxis = "rows" | "columns" | "replicated";

export interface ShardSlice {
  axis: ShardAxis;
  /** First and count of rows or columns of the full tensor (whole tensor when replicated). */
  begin: number;
  count: number;
  /** Zero rows after the slice, filling the last rank's vocabulary shard; 0 elsewhere. */
  padding: number;
}

/** The whole model's sizes a shard's shape does not tell. */
export interface FullSizes {
  /** Rows of the full K and V projections (all KV heads). */
  kvRows: number;
  vocab: number;
}

/** The embedding and LM head: split by vocabulary rows, unevenly where the vocabulary does not divide. */
export function isVocabTensor(name: string): boolean {
  return name === "model.embed_tokens.weight" || name === "lm_head.weight";
}

/** How a tensor is split across ranks, by its Hugging Face name. */
export function shardAxisOf(name: string): ShardAxis {
  if (/\.(q_proj|k_proj|v_proj|gate_proj|up_proj)\.weight$/.test(name) || isVocabTensor(name)) return "rows";
  if (/\.(o_proj|down_proj)\.weight$/.test(name)) return "columns";
  return "replicated";
}

/** The full tensor's shape from a shard's: rows or columns times the ranks (K/V: the full KV heads; embedding and LM head: the vocabulary). */
export function fullShapeOf(name: string, shardShape: readonly number[], ranks: number, full: FullSizes): number[] {
  const axis = shardAxisOf(name);
  if (axis === "replicated" || ranks === 1) return [...shardShape];
  if (axis === "columns") return [shardShape[0]!, shardShape[1]! * ranks];
  if (/\.(k_proj|v_proj)\.weight$/.test(name)) return [full.kvRows, shardShape[1]!];
  if (isVocabTensor(name)) return [full.vocab, shardShape[1]!];
  return [shardShape[0]! * ranks, shardShape[1]!];
}

/** The part of the full tensor (shape `fullShape`) that rank `rank` holds, given its shard's shape. */
export function shardSliceOf(name: string, fullShape: readonly number[], shardShape: readonly number[], rank: number, ranks: number): ShardSlice {
  const axis = shardAxisOf(name);
  if (axis === "replicated" || ranks === 1) return { axis: "replicated", begin: 0, count: fullShape[0]!, padding: 0 };
  if (axis === "columns") return { axis, begin: rank * shardShape[1]!, count: shardShape[1]!, padding: 0 };
  const rows = shardShape[0]!;
  if (isVocabTensor(name)) {
    const split = splitVocab(fullShape[0]!, ranks);
    if (split.shard !== rows) throw new RangeError(`${name}: a vocabulary of ${fullShape[0]} over ${ranks} ranks is ${split.shard} rows a rank, the shard asked for has ${rows}`);
    const count = realVocabRows(split, rank);
    return { axis, begin: vocabBegin(split, rank), count, padding: rows - count };
  }
  if (rows * ranks === fullShape[0]) return { axis, begin: rank * rows, count: rows, padding: 0 };
  // Fewer KV heads than ranks: rank r's query heads use KV head floor(r · kvHeads / ranks).
  const kvHeads = fullShape[0]! / rows;
  if (!Number.isInteger(kvHeads) || ranks % kvHeads !== 0) throw new RangeError(`${name}: ${fullShape[0]} rows do not split into ${ranks} shards of ${rows}`);
  return { axis, begin: Math.floor((rank * kvHeads) / ranks) * rows, count: rows, padding: 0 };
}

/** Copies rank's slice out of a row-major [rows, columns] (or 1-D) tensor, zero rows after it where padded. */
export function sliceTensor<T extends Uint16Array | Float32Array>(data: T, fullShape: readonly number[], slice: ShardSlice): T {
  if (slice.axis === "replicated") return data;
  const columns = fullShape[1]!;
  const Typed = data.constructor as new (length: number) => T;
  if (slice.axis === "rows") {
    // A new array is all zeros, in bf16 bits and float32 alike: the padding rows.
    const out = new Typed((slice.count + slice.padding) * columns);
    out.set(data.subarray(slice.begin * columns, (slice.begin + slice.count) * columns));
    return out;
  }
  const rows = fullShape[0]!;
  const out = new Typed(rows * slice.count);
  for (let row = 0; row < rows; row++) out.set(data.subarray(row * columns + slice.begin, row * columns + slice.begin + slice.count), row * slice.count);
  return out;
}
