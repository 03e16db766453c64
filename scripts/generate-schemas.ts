/** Writes schema/*.schema.json from the zod schemas (run after changing planner/plan or profile schemas). */
import { writeFileSync, mkdirSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { JSON_SCHEMA_FILES, jsonSchemaText } from "../planner/plan/json-schema.js";

// Compiled to dist/scripts/, two levels below the package root.
const root = fileURLToPath(new URL("../../", import.meta.url));
for (const file of JSON_SCHEMA_FILES) {
  const target = join(root, file.path);
  mkdirSync(dirname(target), { recursive: true });
  writeFileSync(target, jsonSchemaText(file.generate()));
  console.log(`wrote ${file.path}`);
}
