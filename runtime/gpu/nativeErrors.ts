/** Recognising the Errors the native addon throws (see NativeErrorFields). */
import type { NativeErrorFields } from "../binding/AddonTypes.js";

export type NativeError = Error & NativeErrorFields;

const KINDS: ReadonlySet<string> = new Set(["call-failed", "library-missing", "symbol-missing", "misuse"]);

export function isNativeError(error: unknown): error is NativeError {
  return error instanceof Error && KINDS.has((error as Partial<NativeErrorFields>).kind ?? "");
}
