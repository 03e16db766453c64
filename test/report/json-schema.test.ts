import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, it } from "node:test";
import { resolveGpu } from "../../planner/config/index.js";
import { JSON_SCHEMA_FILES, jsonSchemaText, planJsonSchema, profileJsonSchema } from "../../planner/plan/json-schema.js";
import { PlanSchema } from "../../planner/plan/schema.js";
import { analyticProfile } from "../../planner/profile/analytic.js";
import { REPOSITORY_ROOT } from "../support/repository.js";
import { jsonSchemaErrors } from "./json-schema-check.js";
import { PLAN_FIXTURE_PATH } from "./plan-fixture.js";

describe("shipped JSON Schemas", () => {
  for (const file of JSON_SCHEMA_FILES) {
    it(`${file.path} is what the zod schema generates (regenerate it with the generate-schemas script)`, () => {
      assert.equal(readFileSync(join(REPOSITORY_ROOT, file.path), "utf8"), jsonSchemaText(file.generate()));
    });
  }
});

describe("a plan file", () => {
  const plan: unknown = JSON.parse(readFileSync(PLAN_FIXTURE_PATH, "utf8"));

  it("validates against PlanSchema", () => {
    const result = PlanSchema.safeParse(plan);
    assert.ok(result.success, result.error?.message);
  });

  it("validates against the shipped JSON Schema, which rejects what PlanSchema rejects", () => {
    const schema = JSON.parse(readFileSync(join(REPOSITORY_ROOT, "schema/plan.schema.json"), "utf8")) as Record<string, unknown>;
    assert.deepEqual(jsonSchemaErrors(schema, plan), []);
    const broken = structuredClone(plan) as { operations: Record<string, unknown>[]; extra?: number };
    broken.operations[0]!.stream = "disk";
    broken.extra = 1;
    assert.deepEqual(jsonSchemaErrors(planJsonSchema(), broken).sort(), ["$.operations[0].stream: expected one of [\"compute\",\"memory\",\"network\"]", "$: unexpected key extra"].sort());
    assert.equal(PlanSchema.safeParse(broken).success, false);
  });
});

describe("a profile file", () => {
  it("validates against the shipped JSON Schema", async () => {
    const profile = analyticProfile(await resolveGpu("h100"), {
      gemmShapes: [{ n: 1280, k: 8192 }],
      attention: [{ headDim: 128, groupSize: 8, kvHeads: 1 }],
      allReduceGpus: [8],
      toolVersion: "test",
    });
    assert.deepEqual(jsonSchemaErrors(profileJsonSchema(), JSON.parse(JSON.stringify(profile))), []);
  });
});
