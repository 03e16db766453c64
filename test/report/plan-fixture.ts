/** The hand-written plan the report tests read: Llama-2-70B, TP 8, H100, four nano-batches. */
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { PlanSchema, type Plan } from "../../planner/plan/schema.js";
import { REPOSITORY_ROOT } from "../support/repository.js";

export const PLAN_FIXTURE_PATH = join(REPOSITORY_ROOT, "test/fixtures/report/plan-llama-70b-tp8.json");

/** A fresh, validated copy each call, so a test may change it. */
export function planFixture(): Plan {
  return PlanSchema.parse(JSON.parse(readFileSync(PLAN_FIXTURE_PATH, "utf8")));
}
