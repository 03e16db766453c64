/**
 * `nanoweave profile` as a library: measures the tables a plan needs on this machine's GPU(s) and
 * writes the profile, atomically and only once it is complete and valid. Every finished table goes
 * to a checkpoint first, so an interrupted run resumes where it stopped (`resume`).
 */
import { existsSync } from "node:fs";
import { readJsonFile, parseWithSchema, type GpuSpec } from "../config/index.js";
import { InputError } from "../errors.js";
import { analyticProfile } from "../profile/analytic.js";
import { shippedProfilePath } from "../profile/load.js";
import { ProfileSchema, type Profile } from "../profile/schema.js";
import { NANOWEAVE_VERSION } from "../version.js";
import { assembleProfile } from "./assemble.js";
import { writeFileAtomic } from "../atomic-write.js";
import { checkpointPath, emptyCheckpoint, readCheckpoint, removeCheckpoint, writeCheckpoint } from "./checkpoint.js";
import { parseDeviceList } from "./devices.js";
import { gpuConfigFor } from "./gpu-config.js";
import { profileGrid } from "./grid.js";
import type { DeviceFacts, Measurer } from "./measurer.js";
import { formatProfileJson } from "./profile-json.js";
import { clock, ProgressBar, type ProgressSink } from "./progress.js";
import { parseOnly, sectionsToMeasure } from "./sections.js";
import { attentionKey, profileTargets, type ProfileTargets } from "./targets.js";
import { planTasks, type ProfileTask, type TaskResult } from "./tasks.js";

export interface ProfileRunOptions {
  /** Output file (default: profiles/<GPU config id>.json in the package). */
  out?: string | undefined;
  /** The configs/gpus entry, when the device's name does not find it. */
  gpuConfig?: string | undefined;
  /** "0,1,2,3" (default: every visible GPU). */
  devices?: string | undefined;
  /** Sections, comma-separated (default: all this machine can measure). */
  only?: string | undefined;
  quick: boolean;
  resume: boolean;
  /** Add to the existing output file: keep its other tables, replace those measured now. */
  merge: boolean;
  /** The command line, recorded in the provenance. */
  command: string;
  /** Opens the GPUs (the real measurer unless a test passes a fake). */
  openMeasurer?: (ordinals: number[] | undefined) => Promise<Measurer>;
  log?: ProgressSink;
}

export interface ProfileRunResult {
  path: string;
  profile: Profile;
  measured: number;
  resumed: number;
  seconds: number;
}

export async function runProfile(options: ProfileRunOptions): Promise<ProfileRunResult> {
  // Input that needs no GPU is checked before any is opened.
  const requestedDevices = parseDeviceList(options.devices);
  const requestedSections = parseOnly(options.only);
  const started = Date.now();
  const open = options.openMeasurer ?? openGpuMeasurer;
  const measurer = await open(requestedDevices);
  try {
    const device = measurer.device;
    const gpu = await gpuConfigFor(device, options.gpuConfig);
    const out = options.out ?? shippedProfilePath(gpu);
    const sections = sectionsToMeasure(requestedSections, device.ordinals.length);
    const base = options.merge ? await readMergeTarget(out, device) : undefined;
    const targets = await profileTargets(gpu);
    const notes = [...measurer.methodNotes(sections), ...targets.skipped.map((why) => `not profiled: ${why}`)];
    const measurable = measurableTargets(targets, measurer, notes);
    const tasks = planTasks(sections, measurable, profileGrid(device, options.quick), gpu, device.ordinals.length);

    const log = options.log ?? process.stderr;
    const checkpointFile = checkpointPath(out);
    const fingerprint = `${device.name}, ${device.sms} SMs, ${options.quick ? "quick" : "full"} grid`;
    const checkpoint = (options.resume ? await readCheckpoint(checkpointFile, fingerprint) : undefined) ?? emptyCheckpoint(fingerprint);
    if (!options.resume && existsSync(checkpointFile)) log.write(`starting over: ${checkpointFile} is replaced (pass --resume to continue it)\n`);
    const earlierSeconds = checkpoint.measuringSeconds;
    const results = new Map<string, TaskResult>();
    for (const task of tasks) if (task.id in checkpoint.results) results.set(task.id, checkpoint.results[task.id] as TaskResult);
    const resumed = results.size;

    log.write(`profiling ${device.name} (GPU ${device.ordinals.join(", ")}) as ${gpu.id}: ${sections.join(", ")}; ${tasks.length} tables` +
      `${resumed > 0 ? `, ${resumed} already in ${checkpointFile}` : ""}${options.quick ? " (quick grid)" : ""}\n`);
    await measureTasks(tasks.filter((task) => !results.has(task.id)), tasks, measurer, new ProgressBar(totalWeight(tasks), log), results, async () => {
      checkpoint.results = Object.fromEntries(results);
      checkpoint.measuringSeconds = earlierSeconds + (Date.now() - started) / 1000;
      await writeCheckpoint(checkpointFile, checkpoint);
    });

    const seconds = earlierSeconds + (Date.now() - started) / 1000;
    const profile = assembleProfile({
      base: base ?? analyticBase(gpu, measurable),
      merging: base !== undefined,
      tasks,
      results,
      device,
      run: { date: new Date().toISOString(), command: options.command, durationSeconds: Math.round(seconds), tool: `nanoweave ${NANOWEAVE_VERSION}` },
      notes,
    });
    await writeFileAtomic(out, formatProfileJson(profile));
    await removeCheckpoint(checkpointFile);
    log.write(`wrote ${out} in ${clock(seconds)} (${tasks.length - resumed} tables measured, ${resumed} resumed)\n`);
    return { path: out, profile, measured: tasks.length - resumed, resumed, seconds };
  } finally {
    measurer.dispose();
  }
}

async function openGpuMeasurer(ordinals: number[] | undefined): Promise<Measurer> {
  // Imported here so that planning never loads the addon.
  const { openGpuMeasurer: open } = await import("./gpu/gpu-measurer.js");
  return open(ordinals);
}

async function measureTasks(
  pending: readonly ProfileTask[],
  all: readonly ProfileTask[],
  measurer: Measurer,
  bar: ProgressBar,
  results: Map<string, TaskResult>,
  saveCheckpoint: () => Promise<void>,
): Promise<void> {
  let done = totalWeight(all.filter((task) => results.has(task.id)));
  for (const task of pending) {
    const taskStarted = Date.now();
    bar.update(done, task.label);
    let result: TaskResult;
    try {
      result = await task.measure(measurer, (points, total) => bar.update(done + (task.weight * points) / Math.max(1, total), task.label));
    } catch (error) {
      bar.finish();
      if (error instanceof InputError) throw error;
      const kept = results.size > 0 ? ` The ${results.size} tables measured before are kept: run again with --resume to continue.` : "";
      throw new Error(`while measuring ${task.label}: ${(error as Error).message}.${kept}`, { cause: error });
    }
    results.set(task.id, result);
    await saveCheckpoint();
    done += task.weight;
    bar.log(`${task.label}: ${((Date.now() - taskStarted) / 1000).toFixed(1)} s`);
  }
  bar.update(done, "done");
  bar.finish();
}

function totalWeight(tasks: readonly ProfileTask[]): number {
  return tasks.reduce((sum, task) => sum + task.weight, 0);
}

/** Leaves out the attention configurations the kernel cannot run, saying so in the notes. */
function measurableTargets(targets: ProfileTargets, measurer: Measurer, notes: string[]): ProfileTargets {
  const attention = targets.attention.filter((config) => {
    const why = measurer.attentionUnsupported(config);
    if (why) notes.push(`decode attention ${attentionKey(config)} (head dim / group / KV heads) not profiled: ${why}; the planner scales the nearest table`);
    return !why;
  });
  return { ...targets, attention };
}

function analyticBase(gpu: GpuSpec, targets: ProfileTargets): Profile {
  return analyticProfile(gpu, {
    gemmShapes: targets.gemmShapes,
    attention: targets.attention,
    allReduceGpus: [2, 4, 8],
    toolVersion: NANOWEAVE_VERSION,
  });
}

/** The existing profile a --merge run adds to; it must be of the same GPU model. */
async function readMergeTarget(file: string, device: DeviceFacts): Promise<Profile> {
  if (!existsSync(file)) throw new InputError(`--merge adds to an existing profile, but ${file} does not exist; run without --merge first`, "--merge");
  const profile = parseWithSchema(ProfileSchema, await readJsonFile(file), file, "profile");
  const { gpu, sms } = profile.provenance;
  if (gpu !== device.name || sms !== device.sms) {
    throw new InputError(`--merge: ${file} was made on ${gpu} (${sms} SMs), not on this ${device.name} (${device.sms} SMs)`, "--merge");
  }
  return profile;
}
