/**
 * The shipped configs: each folder of configs/ is a catalog of JSON files, one entry per file, found
 * by file id, display name or alias (case-insensitive). An argument that looks like a path is read
 * as a file instead, so users can bring their own config without adding it to the package.
 */
import { existsSync } from "node:fs";
import { readdir } from "node:fs/promises";
import { basename, dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { InputError } from "../errors.js";

/** How one folder of configs/ is read and named. */
export interface Catalog<T> {
  /** The folder under configs/. */
  folder: "models" | "gpus" | "workloads";
  /** What one entry is called in messages: "model", "GPU", "workload". */
  what: string;
  /** Reads and validates one file; `id` is the file id, or the path for a file given by path. */
  load(file: string, id: string): Promise<T>;
  /** The display name first, then the aliases. */
  names(value: T): string[];
  /** Tells the user how to use a config that is not shipped. */
  pathHint: string;
}

/** This module runs from planner/config or from dist/planner/config: walk up to the package root. */
export const CONFIGS_DIR = join(findPackageRoot(dirname(fileURLToPath(import.meta.url))), "configs");

/** A name or a path: paths contain a separator or end in .json, names never do. */
export function looksLikePath(nameOrPath: string): boolean {
  return /[\\/]/.test(nameOrPath) || /\.json$/i.test(nameOrPath);
}

/** The entry a name or alias designates, or the file a path designates. */
export async function resolveIn<T>(catalog: Catalog<T>, nameOrPath: string): Promise<T> {
  if (looksLikePath(nameOrPath)) return catalog.load(nameOrPath, nameOrPath);
  const entries = await readEntries(catalog);
  const wanted = nameOrPath.toLowerCase();
  const matches = entries.filter(({ id, value }) =>
    [id, ...catalog.names(value)].some((name) => name.toLowerCase() === wanted),
  );
  if (matches.length > 1) {
    const files = matches.map(({ file }) => file).join(" and ");
    throw new InputError(`${catalog.what} "${nameOrPath}" is ambiguous: ${files} both answer to it; rename an alias`);
  }
  const [match] = matches;
  if (!match) {
    const known = entries.map(({ value }) => `  ${describe(catalog.names(value))}`).join("\n");
    throw new InputError(`unknown ${catalog.what} "${nameOrPath}". Known ${catalog.what}s:\n${known}\n${catalog.pathHint}`);
  }
  return match.value;
}

/** Every shipped entry, validated, in file name order. */
export async function listIn<T>(catalog: Catalog<T>): Promise<T[]> {
  return (await readEntries(catalog)).map(({ value }) => value);
}

async function readEntries<T>(catalog: Catalog<T>): Promise<{ id: string; file: string; value: T }[]> {
  const folder = join(CONFIGS_DIR, catalog.folder);
  const names = (await readdir(folder))
    .filter((name) => name.endsWith(".json"))
    .sort((a, b) => a.localeCompare(b, "en", { numeric: true }));
  return Promise.all(
    names.map(async (name) => {
      const file = join(folder, name);
      const id = basename(name, ".json");
      return { id, file, value: await catalog.load(file, id) };
    }),
  );
}

/** "Llama-2-70B (llama-70b, llama-2-70b)". */
function describe([name, ...aliases]: string[]): string {
  return aliases.length > 0 ? `${name} (${aliases.join(", ")})` : String(name);
}

function findPackageRoot(from: string): string {
  for (let dir = from; ; dir = dirname(dir)) {
    if (existsSync(join(dir, "package.json")) && existsSync(join(dir, "configs"))) return dir;
    if (dirname(dir) === dir) throw new Error(`no package root with a configs folder above ${from}`);
  }
}
