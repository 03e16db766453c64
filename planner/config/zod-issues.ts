/**
 * Turns zod validation failures into InputErrors a user can act on: one line per problem, each
 * naming the file and the field. Shared by every loader of a JSON file (configs, profiles, plans).
 */
import type { z } from "zod";
import { InputError } from "../errors.js";

/** One line per issue: "message (at: file: path.to.field)". */
export function formatZodIssues(error: z.ZodError, file: string): string {
  return error.issues.flatMap((issue) => issueLines(issue, file)).join("\n");
}

/** Validates `value` against `schema`, or throws an InputError listing every issue; `what` names the kind of file. */
export function parseWithSchema<S extends z.ZodType>(schema: S, value: unknown, file: string, what: string): z.output<S> {
  const result = schema.safeParse(value, { error: missingFieldMessage });
  if (result.success) return result.data;
  const lines = formatZodIssues(result.error, file).replaceAll("\n", "\n  ");
  throw new InputError(`${file} is not a valid ${what}:\n  ${lines}`);
}

/** A field path as a user would write it: `config.hidden_size`, `aliases[2]`. */
export function formatPath(path: readonly PropertyKey[]): string {
  return path
    .map((key, index) => (typeof key === "number" ? `[${key}]` : index === 0 ? String(key) : `.${String(key)}`))
    .join("");
}

/** zod calls a missing key "expected number, received undefined"; say what happened instead. */
function missingFieldMessage(issue: z.core.$ZodRawIssue): string | undefined {
  return issue.code === "invalid_type" && issue.input === undefined ? `missing field (expected ${issue.expected})` : undefined;
}

function issueLines(issue: z.core.$ZodIssue, file: string): string[] {
  // zod reports all unknown keys of an object as one issue on the object; point at each key instead.
  if (issue.code === "unrecognized_keys") {
    return issue.keys.map((key) => line(`unknown key "${key}" (misspelt?)`, file, [...issue.path, key]));
  }
  return [line(issue.message, file, issue.path)];
}

function line(message: string, file: string, path: readonly PropertyKey[]): string {
  const field = formatPath(path);
  return `${message} (at: ${field ? `${file}: ${field}` : file})`;
}
