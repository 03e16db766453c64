/** nanoweave's version, read once from the package.json at the package root. */
import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";

// This file is dist/planner/version.js once built: the package root is two folders up.
const packageJson = JSON.parse(readFileSync(fileURLToPath(new URL("../../package.json", import.meta.url)), "utf8")) as { version: string };

export const NANOWEAVE_VERSION: string = packageJson.version;
