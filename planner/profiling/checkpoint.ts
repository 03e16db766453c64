/**
 * The checkpoint beside the output: every table measured so far, rewritten whole (atomically)
 * after each one, so an interrupted run loses nothing; `--resume` skips what it holds. It is
 * deleted once the profile is written.
 */
import { existsSync } from "node:fs";
import { rm } from "node:fs/promises";
import { readJsonFile } from "../config/index.js";
import { InputError } from "../errors.js";
import { writeFileAtomic } from "../atomic-write.js";

const CHECKPOINT_SCHEMA = "nanoweave.profile-checkpoint/1";

export interface Checkpoint {
  schema: typeof CHECKPOINT_SCHEMA;
  /** What the measurements depend on: the GPU model and the grid. A resume must match it. */
  fingerprint: string;
  /** Seconds spent measuring, over every run that added to this checkpoint. */
  measuringSeconds: number;
  /** Measured results by task id. */
  results: Record<string, unknown>;
}

export function checkpointPath(output: string): string {
  return `${output}.checkpoint.json`;
}

export function emptyCheckpoint(fingerprint: string): Checkpoint {
  return { schema: CHECKPOINT_SCHEMA, fingerprint, measuringSeconds: 0, results: {} };
}

/** The checkpoint to resume from, or undefined when there is none. */
export async function readCheckpoint(file: string, fingerprint: string): Promise<Checkpoint | undefined> {
  if (!existsSync(file)) return undefined;
  const data = (await readJsonFile(file)) as Partial<Checkpoint>;
  if (data?.schema !== CHECKPOINT_SCHEMA || typeof data.results !== "object" || data.results === null) {
    throw new InputError(`${file} is not a profile checkpoint; delete it or run without --resume`, "--resume");
  }
  if (data.fingerprint !== fingerprint) {
    throw new InputError(
      `${file} was measured with other settings (${data.fingerprint}) than this run (${fingerprint}); ` +
        "repeat that run's options, or delete the checkpoint to start over",
      "--resume",
    );
  }
  return { schema: CHECKPOINT_SCHEMA, fingerprint, measuringSeconds: Number(data.measuringSeconds) || 0, results: data.results };
}

export async function writeCheckpoint(file: string, checkpoint: Checkpoint): Promise<void> {
  await writeFileAtomic(file, `${JSON.stringify(checkpoint)}\n`);
}

export async function removeCheckpoint(file: string): Promise<void> {
  await rm(file, { force: true });
}
