/**
 * Reading and writing plan files. Writes are atomic (a temporary file renamed into place), so a
 * failure half way never leaves a truncated plan; reads validate against the schema that wrote it.
 */
import { access, constants } from "node:fs/promises";
import path from "node:path";
import { writeFileAtomic } from "../atomic-write.js";
import { InputError } from "../errors.js";
import { parseWithSchema, readJsonFile } from "../config/index.js";
import { PlanSchema, type Plan } from "./schema.js";

export async function readPlanFile(file: string): Promise<Plan> {
  return parseWithSchema(PlanSchema, await readJsonFile(file), file, "nanoweave plan");
}

/** Fails early, before any solving, when `file` could not be written. */
export async function assertWritable(file: string, option: string): Promise<void> {
  const dir = path.dirname(path.resolve(file));
  try {
    await access(dir, constants.W_OK);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    const reason = code === "ENOENT" ? "its folder does not exist" : "its folder is not writable";
    throw new InputError(`cannot write ${file}: ${reason} (${dir})`, option);
  }
}

export async function writePlanFile(file: string, plan: Plan): Promise<void> {
  // Validate what is written with the schema that will read it.
  PlanSchema.parse(plan);
  await writeFileAtomic(file, `${JSON.stringify(plan, null, 2)}\n`);
}
