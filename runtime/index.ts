/** The runtime as a library. For now the GPU layer over the native addon; plan execution follows. */
export * from "./gpu/index.js";
export { readPlanFile, type Plan } from "../planner/index.js";
