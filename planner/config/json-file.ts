/** Reads a JSON file, turning a missing file or a syntax error into an InputError that names the file. */
import { readFile } from "node:fs/promises";
import { InputError } from "../errors.js";

export async function readJsonFile(file: string): Promise<unknown> {
  return (await readJsonText(file)).value;
}

/** The file's text beside its parsed value, for callers that also fingerprint the bytes. */
export async function readJsonText(file: string): Promise<{ text: string; value: unknown }> {
  let text: string;
  try {
    text = await readFile(file, "utf8");
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    const reason = code === "ENOENT" ? "no such file" : code === "EISDIR" ? "it is a folder" : String(error);
    throw new InputError(`cannot read ${file}: ${reason}`);
  }
  try {
    return { text, value: JSON.parse(text) };
  } catch (error) {
    throw new InputError(`${file} is not valid JSON: ${(error as Error).message}${lineAndColumn(text, error as Error)}`);
  }
}

/** Node 20 reports where JSON breaks as a character offset only (later versions add the line); editors count lines. */
function lineAndColumn(text: string, error: Error): string {
  const offset = /position (\d+)/.exec(error.message)?.[1];
  if (offset === undefined || /\bline \d+/.test(error.message)) return "";
  const before = text.slice(0, Number(offset)).split("\n");
  return ` (line ${before.length}, column ${(before.at(-1)?.length ?? 0) + 1})`;
}
