/** Runs the built CLI (dist/cli/main.js) as a user would, for tests of its commands. */
import { spawnSync } from "node:child_process";
import { CLI_ENTRY } from "./repository.js";

/** `nanoweave ...args` in a child process: its exit status and output. */
export function nanoweave(...args: string[]): { status: number | null; stdout: string; stderr: string } {
  const result = spawnSync(process.execPath, [CLI_ENTRY, ...args], { encoding: "utf8" });
  return { status: result.status, stdout: result.stdout, stderr: result.stderr };
}
