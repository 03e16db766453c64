/** Finds a workload by name in configs/workloads, or reads one from a path. */
import { resolveIn, listIn, type Catalog } from "./catalog.js";
import { readJsonFile } from "./json-file.js";
import { WorkloadFileSchema, type Workload } from "./schema.js";
import { parseWithSchema } from "./zod-issues.js";

/** The workload planned for when none is named: 1024 prompt and 512 output tokens per request. */
export const DEFAULT_WORKLOAD = "default";

const workloads: Catalog<Workload> = {
  folder: "workloads",
  what: "workload",
  load: async (file, id) => ({ id, ...parseWithSchema(WorkloadFileSchema, await readJsonFile(file), file, "workload") }),
  names: (workload) => [workload.name],
  pathHint: "Another workload can be described in a JSON file with the fields of configs/workloads/*.json: --workload path/to/workload.json.",
};

/** A shipped workload by file id or name (case-insensitive), or the workload in a JSON file. */
export function resolveWorkload(nameOrPath: string): Promise<Workload> {
  return resolveIn(workloads, nameOrPath);
}

/** Every shipped workload. */
export function listWorkloads(): Promise<Workload[]> {
  return listIn(workloads);
}
