/**
 * Megatron-style tensor parallelism of a Llama's Hugging Face tensors: which part of each full
 * tensor rank r of `ranks` holds. Q/K/V and gate/up are split by output rows (each rank its heads
 * and its FFN columns), O and down by input columns (each rank's partial sums, all-reduced), the
 * embedding and LM head by vocabulary rows; norms are whole on every rank. Where there are fewer KV
 * heads than ranks, each KV head is copied to the ranks whose query heads use it.
 */

export type ShardAxis = "rows" | "columns" | "replicated";

export interface ShardSlice {
  axis: ShardAxis;
  /** First and count of rows or columns of the full tensor (whole tensor when replicated). */
  begin: number;
  count: number;
}

/** How a tensor is split across ranks, by its Hugging Face name. */
export function shardAxisOf(name: string): ShardAxis {
  if (/\.(q_proj|k_proj|v_proj|gate_proj|up_proj)\.weight$/.test(name) || name === "model.embed_tokens.weight" || name === "lm_head.weight") return "rows";
  if (/\.(o_proj|down_proj)\.weight$/.test(name)) return "columns";
  return "replicated";
}

/** The full tensor's shape from a shard's: rows or columns times the ranks (K/V: the full KV heads). */
export function fullShapeOf(name: string, shardShape: readonly number[], ranks: number, fullKvRows: number): number[] {
  const axis = shardAxisOf(name);
  if (axis === "replicated" || ranks === 1) return [...shardShape];
  if (axis === "columns") return [shardShape[0]!, shardShape[1]! * ranks];
  if (/\.(k_proj|v_proj)\.weight$/.test(name)) return [fullKvRows, shardShape[1]!];
  return [shardShape[0]! * ranks, shardShape[1]!];
}

/** The part of the full tensor (shape `fullShape`) that rank `rank` holds, given its shard's shape. */
export function shardSliceOf(name: string, fullShape: readonly number[], shardShape: readonly number[], rank: number, ranks: number): ShardSlice {
  const axis = shardAxisOf(name);
  if (axis === "replicated" || ranks === 1) return { axis: "replicated", begin: 0, count: fullShape[0]! };
  if (axis === "columns") return { axis, begin: rank * shardShape[1]!, count: shardShape[1]! };
  const rows = shardShape[0]!;
  if (rows * ranks === fullShape[0]) return { axis, begin: rank * rows, count: rows };
  // Fewer KV heads than ranks: rank r's query heads use KV head floor(r · kvHeads / ranks).
  const kvHeads = fullShape[0]! / rows;
  if (!Number.isInteger(kvHeads) || ranks % kvHeads !== 0) throw new RangeError(`${name}: ${fullShape[0]} rows do not split into ${ranks} shards of ${rows}`);
  return { axis, begin: Math.floor((rank * kvHeads) / ranks) * rows, count: rows };
}

/** Copies rank's slice out of a row-major [rows, columns] (or 1-D) tensor. */
export function sliceTensor<T extends Uint16Array | Float32Array>(data: T, fullShape: readonly number[], slice: ShardSlice): T {
  if (slice.axis === "replicated") return data;
  const columns = fullShape[1]!;
  if (slice.axis === "rows") return data.slice(slice.begin * columns, (slice.begin + slice.count) * columns) as T;
  const rows = fullShape[0]!;
  const out = new (data.constructor as new (length: number) => T)(rows * slice.count);
  for (let row = 0; row < rows; row++) out.set(data.subarray(row * columns + slice.begin, row * columns + slice.begin + slice.count), row * slice.count);
  return out;
}
