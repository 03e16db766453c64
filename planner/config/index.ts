/** Models, GPUs and workloads: the configs the planner starts from. */
export { resolveModel, listModels } from "./model.js";
export { resolveGpu, listGpus, DEFAULT_GPU } from "./gpu.js";
export { resolveWorkload, listWorkloads, DEFAULT_WORKLOAD } from "./workload.js";
export { CONFIGS_DIR } from "./catalog.js";
export { readJsonFile, readJsonText } from "./json-file.js";
export { formatZodIssues, parseWithSchema, formatPath } from "./zod-issues.js";
export * from "./schema.js";
