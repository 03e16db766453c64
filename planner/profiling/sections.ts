/** The parts of a profile that `nanoweave profile` measures, as `--only` names them. */
import { InputError } from "../errors.js";

export const PROFILE_SECTIONS = [
  "gemm",
  "attention",
  "elementwise",
  "allreduce",
  "attention-interference",
  "allreduce-interference",
  "allreduce-attention-interference",
  "peer-allreduce",
  "lane-switch",
  "sustained-load",
] as const;

export type ProfileSection = (typeof PROFILE_SECTIONS)[number];

/** What begins each section's method note, so that a merge can drop the note of a section it measures again. */
const METHOD_NOTE_LABELS: Readonly<Record<ProfileSection, string>> = {
  gemm: "GEMM",
  attention: "decode attention",
  elementwise: "elementwise",
  allreduce: "all-reduce",
  "attention-interference": "GEMM beside decode attention",
  "allreduce-interference": "GEMM beside all-reduce",
  "allreduce-attention-interference": "all-reduce beside decode attention",
  "peer-allreduce": "peer all-reduce",
  "lane-switch": "lane switch",
  "sustained-load": "sustained load",
};

/** A profile note saying how `section` was measured. */
export function methodNote(section: ProfileSection, how: string): string {
  return `${METHOD_NOTE_LABELS[section]}: ${how}`;
}

/** Whether `note` is the method note of one of `sections`. */
export function isMethodNoteOf(note: string, sections: Iterable<ProfileSection>): boolean {
  return [...sections].some((section) => note.startsWith(`${METHOD_NOTE_LABELS[section]}: `));
}

/** Sections that run across GPUs: they need two or more devices. */
export const MULTI_GPU_SECTIONS: ReadonlySet<ProfileSection> = new Set([
  "allreduce",
  "allreduce-interference",
  "allreduce-attention-interference",
  "peer-allreduce",
]);

/** Names `--only` accepts for several sections at once. */
const SHORTHANDS: Readonly<Record<string, readonly ProfileSection[]>> = {
  interference: ["attention-interference", "allreduce-interference", "allreduce-attention-interference"],
};

/** The sections `--only` names (comma-separated), or undefined when it was not given. */
export function parseOnly(only: string | undefined): ProfileSection[] | undefined {
  if (only === undefined) return undefined;
  const chosen = new Set<ProfileSection>();
  for (const name of only.split(",").map((part) => part.trim().toLowerCase())) {
    const sections = SHORTHANDS[name] ?? (PROFILE_SECTIONS.includes(name as ProfileSection) ? [name as ProfileSection] : undefined);
    if (!sections) {
      const valid = [...PROFILE_SECTIONS, ...Object.keys(SHORTHANDS)].join(", ");
      throw new InputError(`--only: unknown section "${name}"; valid sections are ${valid}`, "--only");
    }
    sections.forEach((section) => chosen.add(section));
  }
  return PROFILE_SECTIONS.filter((section) => chosen.has(section));
}

/** The sections to measure: those asked for, which this many devices must manage, else every one they can. */
export function sectionsToMeasure(requested: readonly ProfileSection[] | undefined, deviceCount: number): ProfileSection[] {
  if (requested === undefined) return PROFILE_SECTIONS.filter((section) => deviceCount > 1 || !MULTI_GPU_SECTIONS.has(section));
  const needsMore = requested.filter((section) => MULTI_GPU_SECTIONS.has(section));
  if (needsMore.length > 0 && deviceCount < 2) {
    throw new InputError(`--only ${needsMore.join(",")} runs across GPUs and needs at least 2 devices; this run has ${deviceCount}`, "--only");
  }
  return [...requested];
}
