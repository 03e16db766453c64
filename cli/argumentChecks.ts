/** Checks of numeric options that yargs cannot express, as InputErrors naming the flag (exit code 2). */
import { InputError } from "../planner/errors.js";

export function checkPositiveInteger(value: number, option: string): void {
  if (!Number.isInteger(value) || value <= 0) throw new InputError(`${option} must be a positive integer, got ${value}`, option);
}

export function checkGpuOrdinal(value: number, option: string): void {
  if (!Number.isInteger(value) || value < 0) throw new InputError(`${option} must be a GPU ordinal (0, 1, ...), got ${value}`, option);
}
