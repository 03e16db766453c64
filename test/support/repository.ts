/** Paths of the repository, for tests compiled to dist/test/<folder>/. */
import { fileURLToPath } from "node:url";

export const REPOSITORY_ROOT = fileURLToPath(new URL("../../../", import.meta.url));
export const CLI_ENTRY = fileURLToPath(new URL("../../cli/main.js", import.meta.url));
