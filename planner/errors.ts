/**
 * Error classes shared by the planner, the runtime and the CLI.
 * The CLI maps them to exit codes: InputError → 2 (the user can fix the input), anything else → 1.
 */

/** Bad input: an unknown name, a malformed file or field, an impossible request. Exit code 2. */
export class InputError extends Error {
  override name = "InputError";
  /** Where the problem is: a file path, optionally followed by a field path (`file.json: a.b.c`). */
  readonly at: string | undefined;
  constructor(message: string, at?: string) {
    super(at ? `${message} (at: ${at})` : message);
    this.at = at;
  }
}

/** The solver failed or produced no usable plan. Exit code 1. */
export class SolverError extends Error {
  override name = "SolverError";
}
