/** Finds a GPU spec by name or alias in configs/gpus, or reads one from a path. */
import { resolveIn, listIn, type Catalog } from "./catalog.js";
import { readJsonFile } from "./json-file.js";
import { GpuFileSchema, type GpuSpec } from "./schema.js";
import { parseWithSchema } from "./zod-issues.js";

/** The GPU planned for when none is named. */
export const DEFAULT_GPU = "H100 SXM";

const gpus: Catalog<GpuSpec> = {
  folder: "gpus",
  what: "GPU",
  load: async (file, id) => ({ id, ...parseWithSchema(GpuFileSchema, await readJsonFile(file), file, "GPU spec") }),
  names: (gpu) => [gpu.name, ...gpu.aliases],
  pathHint: "Another GPU can be described in a JSON file with the fields of configs/gpus/*.json: --gpu path/to/gpu.json.",
};

/** A shipped GPU by file id, name or alias (case-insensitive), or the spec in a JSON file. */
export function resolveGpu(nameOrPath: string): Promise<GpuSpec> {
  return resolveIn(gpus, nameOrPath);
}

/** Every shipped GPU. */
export function listGpus(): Promise<GpuSpec[]> {
  return listIn(gpus);
}
