/**
 * A table of cuBLASLt algorithms chosen per GEMM by measuring them where they run: each entry is a
 * GEMM shape at a row count on an SM target, alone or beside attention on the split's other
 * partition, and the algorithm that was fastest there. cuBLAS's own heuristic knows the SM count
 * but not what runs beside it. The runtime uses an entry where a launch matches it, and cuBLAS's
 * pick elsewhere. Algorithms are valid only with the GPU and cuBLAS version that measured them.
 */
import { z } from "zod";
import { InputError } from "../planner/errors.js";
import { parseWithSchema, readJsonFile } from "../planner/config/index.js";
import { loadAddon } from "./binding/loadAddon.js";
import type { Gpu } from "./gpu/index.js";

export const GEMM_ALGORITHM_TABLE_SCHEMA = "nanoweave.gemm-algorithms/1";

/** What runs beside a GEMM while it is measured and used. */
export type GemmNeighbour = "none" | "attention";

const ConfigSchema = z.strictObject({
  id: z.number().int(),
  tile: z.number().int(),
  stages: z.number().int(),
  splitK: z.number().int(),
  swizzle: z.number().int(),
  cluster: z.number().int(),
});

const EntrySchema = z.strictObject({
  n: z.number().int().positive(),
  k: z.number().int().positive(),
  rows: z.number().int().positive(),
  sms: z.number().int().positive(),
  beside: z.enum(["none", "attention"]),
  /** cublasLtMatmulAlgo_t as hex. */
  algorithm: z.string().regex(/^[0-9a-f]{128}$/, "expected 128 lowercase hex digits (a cublasLtMatmulAlgo_t)"),
  config: ConfigSchema,
  /** Median microseconds of the chosen algorithm and of cuBLAS's pick, measured the same way. */
  timeUs: z.number().positive(),
  defaultUs: z.number().positive(),
});

export const GemmAlgorithmTableSchema = z.strictObject({
  schema: z.literal(GEMM_ALGORITHM_TABLE_SCHEMA),
  gpu: z.string().min(1),
  cublas: z.string().min(1),
  createdAt: z.string(),
  command: z.string(),
  entries: z.array(EntrySchema),
});

export type GemmAlgorithmTable = z.infer<typeof GemmAlgorithmTableSchema>;
export type GemmAlgorithmEntry = z.infer<typeof EntrySchema>;

export interface GemmLaunchKey {
  n: number;
  k: number;
  rows: number;
  sms: number;
  beside: GemmNeighbour;
}

export function gemmKey(key: GemmLaunchKey): string {
  return `${key.n}x${key.k}:${key.rows}@${key.sms}/${key.beside}`;
}

/** The algorithms of a table's entries, looked up by launch. */
export class GemmAlgorithms {
  private readonly byKey: ReadonlyMap<string, string>;

  constructor(entries: readonly GemmAlgorithmEntry[]) {
    this.byKey = new Map(entries.map((entry) => [gemmKey(entry), entry.algorithm]));
  }

  /** The chosen algorithm for this launch, or undefined for cuBLAS's own pick. */
  algorithmFor(key: GemmLaunchKey): string | undefined {
    return this.byKey.get(gemmKey(key));
  }
}

/** What a table must have been measured on to be used with `gpu`: its model and the cuBLAS version loaded. */
export function gemmMachine(gpu: Gpu): { gpu: string; cublas: string } {
  return { gpu: gpu.info.name, cublas: loadAddon().libraryInfo("cublas").version };
}

/**
 * Reads and validates a table, refusing it where it was measured on another GPU model or cuBLAS
 * version than `machine`'s: its algorithms would be meaningless or invalid there.
 */
export async function loadGemmAlgorithms(file: string, machine: { gpu: string; cublas: string }): Promise<GemmAlgorithms> {
  const table = parseWithSchema(GemmAlgorithmTableSchema, await readJsonFile(file), file, "nanoweave GEMM algorithm table");
  const differences = [
    ...(table.gpu === machine.gpu ? [] : [`gpu: measured on ${table.gpu}, this is ${machine.gpu}`]),
    ...(table.cublas === machine.cublas ? [] : [`cublas: measured with cuBLAS ${table.cublas}, this machine has ${machine.cublas}`]),
  ];
  if (differences.length > 0) {
    throw new InputError(`${file} does not fit this machine (re-measure it here):\n  ${differences.join("\n  ")}`, "--gemm-algorithms");
  }
  return new GemmAlgorithms(table.entries);
}
