import { test } from "node:test";
import assert from "node:assert/strict";
import { InputError } from "../planner/errors.js";

test("InputError names where the problem is", () => {
  assert.equal(new InputError("bad", "x.json: a.b").message, "bad (at: x.json: a.b)");
});
