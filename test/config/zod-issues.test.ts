import { test } from "node:test";
import assert from "node:assert/strict";
import { z } from "zod";
import { InputError } from "../../planner/errors.js";
import { formatPath, formatZodIssues, parseWithSchema } from "../../planner/config/zod-issues.js";

const schema = z.strictObject({ a: z.strictObject({ b: z.array(z.number()) }), c: z.string() });

test("paths read the way a user writes them", () => {
  assert.equal(formatPath(["a", "b", 2, "c"]), "a.b[2].c");
  assert.equal(formatPath([]), "");
});

test("every issue becomes one line naming the file and field", () => {
  const result = schema.safeParse({ a: { b: [1, "x"] }, d: 1 });
  assert.ok(!result.success);
  const lines = formatZodIssues(result.error, "f.json").split("\n");
  assert.deepEqual(lines, [
    "Invalid input: expected number, received string (at: f.json: a.b[1])",
    "Invalid input: expected string, received undefined (at: f.json: c)",
    'unknown key "d" (misspelt?) (at: f.json: d)',
  ]);
});

test("parseWithSchema returns the data or throws an InputError with every issue", () => {
  assert.deepEqual(parseWithSchema(schema, { a: { b: [] }, c: "" }, "f.json", "thing"), { a: { b: [] }, c: "" });
  assert.throws(
    () => parseWithSchema(schema, {}, "f.json", "thing"),
    (error: unknown) =>
      error instanceof InputError &&
      error.message.startsWith("f.json is not a valid thing:\n  ") &&
      error.message.includes("missing field (expected string) (at: f.json: c)"),
  );
});
