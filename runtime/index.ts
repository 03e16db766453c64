/** The runtime as a library: plans executed on a GPU, over the checked GPU layer of the native addon. */
export * from "./gpu/index.js";
export { readPlanFile, type Plan } from "../planner/index.js";
export { loadPlan, Runtime, type RuntimeOptions, type StepOptions, type StepResult, type WeightsOption } from "./Runtime.js";
export { RequestError, type DecodeRequest } from "./requests.js";
export { PlanMismatchError } from "./plan/planCompatibility.js";
export { EXECUTION_MODES, type ExecutionMode } from "./plan/executionModes.js";
export { benchmarkModes, type BenchmarkReport } from "./benchmark.js";
export { soak, type SoakOptions, type SoakReport } from "./soak.js";
export { soakVerdict, type MemorySample, type SoakLimits, type SoakVerdict } from "./soakVerdict.js";
