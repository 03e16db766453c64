/** Finds a model by name or alias in configs/models, or reads one from a path (our format or a raw HF config.json). */
import { stat } from "node:fs/promises";
import { basename, dirname, join, resolve } from "node:path";
import { resolveIn, listIn, type Catalog } from "./catalog.js";
import { checkModelFamily, toResolvedModel } from "./hf-model.js";
import { readJsonFile } from "./json-file.js";
import { HfConfigSchema, ModelFileSchema, type ResolvedModel } from "./schema.js";
import { parseWithSchema } from "./zod-issues.js";

const models: Catalog<ResolvedModel> = {
  folder: "models",
  what: "model",
  load: loadModel,
  names: (model) => [model.name, ...model.aliases],
  pathHint:
    "Any Hugging Face Llama-family model works too: --model path/to/config.json (or the folder that holds it).",
};

/** A shipped model by file id, name or alias (case-insensitive), or the model in a JSON file or HF model folder. */
export function resolveModel(nameOrPath: string): Promise<ResolvedModel> {
  return resolveIn(models, nameOrPath);
}

/** Every shipped model. */
export function listModels(): Promise<ResolvedModel[]> {
  return listIn(models);
}

async function loadModel(path: string, id: string): Promise<ResolvedModel> {
  const file = (await isFolder(path)) ? join(path, "config.json") : path;
  const data = await readJsonFile(file);
  // Our files wrap the HF config under "config"; a config.json never has that key at the top.
  if (typeof data === "object" && data !== null && "config" in data) {
    checkModelFamily(data.config, file, "config.model_type");
    const parsed = parseWithSchema(ModelFileSchema, data, file, "model config");
    return toResolvedModel(parsed.config, { name: parsed.name, id, aliases: parsed.aliases, source: parsed.source });
  }
  checkModelFamily(data, file, "model_type");
  const hf = parseWithSchema(HfConfigSchema, data, file, "Hugging Face model config");
  return toResolvedModel(hf, { name: nameFromPath(file), id, aliases: [], source: file });
}

/** An HF checkpoint's config is always config.json, so its folder names the model; other files name themselves. */
function nameFromPath(file: string): string {
  return basename(file) === "config.json" ? basename(dirname(resolve(file))) : basename(file, ".json");
}

async function isFolder(path: string): Promise<boolean> {
  return (await stat(path).catch(() => undefined))?.isDirectory() ?? false;
}
