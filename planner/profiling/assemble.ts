/**
 * Builds the profile from this run's results over a base: the existing profile when merging, else
 * the analytic one (the planner's fallback), so every part this run did not measure keeps the
 * values the planner would have used anyway, and the notes say which those are.
 */
import { formatZodIssues } from "../config/index.js";
import { PROFILE_SCHEMA_ID, ProfileSchema, type DecodeAttentionTable, type Profile } from "../profile/schema.js";
import type { DeviceFacts } from "./measurer.js";
import { scaledPointsNote } from "./attention-grid.js";
import { isMethodNoteOf, type ProfileSection } from "./sections.js";
import { attentionKey } from "./targets.js";
import type { AllReduceAttentionPoint, AllReduceTable, ElementwiseTable, GemmTable, InterferencePoint, LaneSwitchProfile, PeerAllReduceProfile, SustainedLoadProfile } from "../profile/schema.js";
import { PEER_ATTENTION_INTERFERENCE_TASK, PEER_GEMM_INTERFERENCE_TASK, type AttentionResult, type ElementwiseResult, type ProfileTask, type TaskResult } from "./tasks.js";

export interface RunRecord {
  date: string;
  command: string;
  durationSeconds: number;
  tool: string;
}

export interface AssembleInput {
  base: Profile;
  /** True when the base is a measured profile being merged into. */
  merging: boolean;
  tasks: readonly ProfileTask[];
  results: ReadonlyMap<string, TaskResult>;
  device: DeviceFacts;
  run: RunRecord;
  /** How this run measured, and what it left out. */
  notes: readonly string[];
}

/** Parts of a profile, the sections that measure them, and why one stays analytic when none did. */
const PARTS: ReadonlyArray<{ part: string; sections: readonly ProfileSection[]; multiGpu?: boolean; reason?: string }> = [
  { part: "gemm", sections: ["gemm"] },
  { part: "decodeAttention", sections: ["attention"] },
  { part: "prefillAttention", sections: [], reason: "nanoweave has no prefill attention kernel yet" },
  { part: "elementwise", sections: ["elementwise"] },
  { part: "allReduce", sections: ["allreduce"], multiGpu: true },
  { part: "interference.gemmWithAttention", sections: ["attention-interference"] },
  { part: "interference.gemmWithAllReduce", sections: ["allreduce-interference"], multiGpu: true },
  { part: "interference.allReduceWithAttention", sections: ["allreduce-attention-interference"], multiGpu: true },
];

const MULTI_GPU_REASON =
  "it needs 2 or more GPUs: add it with --merge --only allreduce,allreduce-interference,allreduce-attention-interference on such a machine";

export function assembleProfile(input: AssembleInput): Profile {
  const { base, tasks, results, device, run } = input;
  const where = <T extends TaskResult>(chosen: (task: ProfileTask) => boolean): T[] =>
    tasks.filter((task) => chosen(task) && results.has(task.id)).map((task) => results.get(task.id) as T);
  const of = <T extends TaskResult>(section: ProfileSection): T[] => where<T>((task) => task.section === section);
  const sections = new Set(tasks.map((task) => task.section));
  // Parts measured now lose the base's analytic mark; analytic all-reduce tables go entirely, so that
  // GPU counts not measured are extrapolated from measured ones (planner/profile/cost-model.ts).
  const measuredNow = PARTS.filter(({ sections: by }) => by.some((section) => sections.has(section))).map(({ part }) => part);
  const analyticBefore = (part: string): boolean => base.provenance.notes.some((note) => note.startsWith(analyticMark(part)));
  const baseAllReduce = sections.has("allreduce") && (!input.merging || analyticBefore("allReduce")) ? [] : base.allReduce;

  const gemm = replaceBy(base.gemm, of<GemmTable>("gemm"), (t) => `${t.n}x${t.k}`).sort((a, b) => a.n - b.n || a.k - b.k);
  const attention = replaceBy<DecodeAttentionTable>(base.decodeAttention, of<AttentionResult>("attention").map((r) => r.table), attentionKey);
  const allReduce = replaceBy(baseAllReduce, of<AllReduceTable>("allreduce"), (t) => String(t.gpus)).sort((a, b) => a.gpus - b.gpus);
  // The element-wise section measures RMSNorm's bandwidth curve (task "elementwise") and a table per kernel.
  const elementwiseCurve = where<ElementwiseResult>((task) => task.id === "elementwise")[0];
  const elementwiseTables = replaceBy(base.elementwise.tables ?? [], where<ElementwiseTable>((task) => task.id.startsWith("elementwise/")), (t) => t.kernel);
  const withAttention = of<InterferencePoint[]>("attention-interference")[0];
  const withAllReduce = of<InterferencePoint[]>("allreduce-interference")[0];
  const allReduceWithAttention = of<AllReduceAttentionPoint[]>("allreduce-attention-interference")[0];
  const peerAllReduce = sections.has("peer-allreduce") ? peerAllReduceOf(where, input.merging ? base.peerAllReduce : undefined) : base.peerAllReduce;
  // Like the peer all-reduce, no analytic base: a profile has it once measured.
  const laneSwitch = of<LaneSwitchProfile>("lane-switch")[0] ?? base.laneSwitch;
  const sustainedLoad = of<SustainedLoadProfile>("sustained-load")[0] ?? base.sustainedLoad;

  // A merge keeps the base's notes but those of what it measures again: analytic marks and method notes.
  const stale = (note: string) => measuredNow.some((part) => note.startsWith(analyticMark(part))) || isMethodNoteOf(note, sections);
  const notes = input.merging ? base.provenance.notes.filter((note) => !stale(note)) : [];
  notes.push(...input.notes);
  const scaled = of<AttentionResult>("attention").reduce((sum, r) => sum + r.scaledPoints, 0);
  if (scaled > 0) notes.push(scaledPointsNote(scaled));
  if (!input.merging) {
    const analytic = PARTS.filter(({ sections: measuredBy }) => !measuredBy.some((section) => sections.has(section)));
    for (const { part, multiGpu, reason } of analytic) {
      notes.push(`${analyticMark(part)} (${reason ?? (multiGpu && device.ordinals.length < 2 ? MULTI_GPU_REASON : "left out by --only")})`);
    }
    if (analytic.length > 0) notes.push(...base.provenance.notes.map((note) => `analytic parts: ${note}`));
  }
  const sectionList = [...sections].join(", ") || "nothing";
  notes.push(`run ${run.date}: \`${run.command}\` measured ${sectionList} on GPU ${device.ordinals.join(", ")} in ${run.durationSeconds.toFixed(0)} s (${run.tool})`);

  const profile: Profile = {
    schema: PROFILE_SCHEMA_ID,
    source: "measured",
    provenance: {
      gpu: device.name,
      sms: device.sms,
      memoryGiB: device.memoryGiB,
      computeCapability: device.computeCapability,
      ...versions(device),
      date: run.date,
      tool: run.tool,
      command: run.command,
      durationSeconds: run.durationSeconds,
      notes: [...new Set(notes)],
    },
    partition: { granularity: device.partition.granularity, min: device.partition.min },
    gemm,
    decodeAttention: attention,
    prefillAttention: base.prefillAttention,
    elementwise: {
      ...(elementwiseCurve ? { sms: elementwiseCurve.sms, bandwidthTBs: elementwiseCurve.bandwidthTBs, launchUs: elementwiseCurve.launchUs } : base.elementwise),
      ...(elementwiseTables.length > 0 ? { tables: elementwiseTables } : {}),
    },
    allReduce,
    interference: {
      gemmWithAttention: withAttention ?? base.interference.gemmWithAttention,
      gemmWithAllReduce: withAllReduce ?? base.interference.gemmWithAllReduce,
      allReduceWithAttention: allReduceWithAttention ?? base.interference.allReduceWithAttention,
    },
    ...(peerAllReduce ? { peerAllReduce } : {}),
    ...(laneSwitch ? { laneSwitch } : {}),
    ...(sustainedLoad ? { sustainedLoad } : {}),
  };
  const checked = ProfileSchema.safeParse(profile);
  if (!checked.success) {
    throw new Error(`the measured profile does not validate, so nothing was written:\n  ${formatZodIssues(checked.error, "profile").replaceAll("\n", "\n  ")}`);
  }
  return checked.data;
}

/**
 * The peer all-reduce's part from this run's tasks, over a merged profile's: tables by GPU count,
 * the interference lists whole. (No analytic base: a profile has it only once measured.)
 */
function peerAllReduceOf(where: <T extends TaskResult>(chosen: (task: ProfileTask) => boolean) => T[], base: PeerAllReduceProfile | undefined): PeerAllReduceProfile {
  const interferenceTasks = new Set([PEER_GEMM_INTERFERENCE_TASK, PEER_ATTENTION_INTERFERENCE_TASK]);
  const tables = where<AllReduceTable>((task) => task.section === "peer-allreduce" && !interferenceTasks.has(task.id));
  const gemmWithAllReduce = where<InterferencePoint[]>((task) => task.id === PEER_GEMM_INTERFERENCE_TASK)[0] ?? base?.gemmWithAllReduce;
  const allReduceWithAttention = where<AllReduceAttentionPoint[]>((task) => task.id === PEER_ATTENTION_INTERFERENCE_TASK)[0] ?? base?.allReduceWithAttention;
  // planTasks makes the section's tasks together, and a profile is assembled once they all finished.
  if (!gemmWithAllReduce || !allReduceWithAttention) throw new Error("the peer-allreduce section finished without its interference measurements");
  return { tables: replaceBy(base?.tables ?? [], tables, (t) => String(t.gpus)).sort((a, b) => a.gpus - b.gpus), gemmWithAllReduce, allReduceWithAttention };
}

function analyticMark(part: string): string {
  return `${part}: analytic, not measured`;
}

function versions(device: DeviceFacts): Partial<Record<"driver" | "cuda" | "cublas" | "nccl" | "nvrtc", string>> {
  const out: Partial<Record<"driver" | "cuda" | "cublas" | "nccl" | "nvrtc", string>> = {};
  for (const key of ["driver", "cuda", "cublas", "nccl", "nvrtc"] as const) if (device[key]) out[key] = device[key];
  return out;
}

/** base's entries with those of `fresh` put in their place (same key) or added. */
function replaceBy<T>(base: readonly T[], fresh: readonly T[], key: (item: T) => string): T[] {
  const merged = new Map(base.map((item) => [key(item), item]));
  for (const item of fresh) merged.set(key(item), item);
  return [...merged.values()];
}
