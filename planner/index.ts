/** The planner as a library: what `nanoweave plan` does, for programs. */
export { makePlan, type PlanRequest } from "./plan/make-plan.js";
export { readPlanFile, writePlanFile } from "./plan/plan-file.js";
export { replayViolations } from "./plan/replay.js";
export { PlanSchema, PLAN_SCHEMA_ID, type Plan, type PlanOperation } from "./plan/schema.js";
export { ProfileSchema, PROFILE_SCHEMA_ID, type Profile } from "./profile/schema.js";
export { InputError, SolverError } from "./errors.js";
export * from "./config/index.js";
