/**
 * JSON Schemas of the plan and profile files, generated from the zod schemas that validate them, so
 * readers in other languages check files against exactly what nanoweave writes and accepts. The
 * generated files ship in schema/; a test keeps them equal to what this produces.
 */
import { z } from "zod";
import { ProfileSchema, PROFILE_SCHEMA_ID } from "../profile/schema.js";
import { PlanSchema, PLAN_SCHEMA_ID } from "./schema.js";

type JsonSchema = Record<string, unknown>;

/**
 * What a plan or profile file may hold: the loader fills defaults, so optional-with-default fields
 * may be absent (a plan from before allReduceMethod runs with NCCL).
 */
export function planJsonSchema(): JsonSchema {
  return titled(z.toJSONSchema(PlanSchema, { io: "input" }), `nanoweave plan file (${PLAN_SCHEMA_ID})`);
}

export function profileJsonSchema(): JsonSchema {
  return titled(z.toJSONSchema(ProfileSchema, { io: "input" }), `nanoweave profile file (${PROFILE_SCHEMA_ID})`);
}

/** The shipped files, relative to the package root, and what each must contain. */
export const JSON_SCHEMA_FILES: readonly { path: string; generate: () => JsonSchema }[] = [
  { path: "schema/plan.schema.json", generate: planJsonSchema },
  { path: "schema/profile.schema.json", generate: profileJsonSchema },
];

/** The text a schema file holds: two-space JSON with a final newline. */
export function jsonSchemaText(schema: JsonSchema): string {
  return `${JSON.stringify(schema, null, 2)}\n`;
}

function titled(schema: JsonSchema, title: string): JsonSchema {
  const { $schema, ...rest } = schema;
  return { $schema, title, ...rest };
}
