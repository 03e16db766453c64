/**
 * Chooses each launch's algorithm by the plan's own iteration time: a GEMM that wins in the
 * profiler's co-run windows need not win inside the plan (on an H200 the gate/up GEMM's window
 * winner, 1.16x there, ran no faster in the traced layer: session 18). Here each option (cuBLAS's
 * pick, or a finalist that beat it in the windows) is run in the mode that launches it, with the
 * other launches' choices so far, and timed over whole iterations, in interleaved rounds so that
 * drifting clocks favour none; the option with the least median time is kept.
 */
import { median } from "../../planner/median.js";
import { fillCacheWithRandomValues, randomRequests, timeOnce } from "../benchmark.js";
import { GemmAlgorithms, gemmKey } from "../gemmAlgorithmTable.js";
import type { ExecutionMode } from "../plan/executionModes.js";
import type { Runtime } from "../Runtime.js";
import { chosenEntries, describeLaunch, type LaunchTuning, type TimedAlgorithm } from "./tuneGemmAlgorithms.js";

export interface InSituOptions {
  /** Window winners tried per launch, besides cuBLAS's pick. */
  options: number;
  rounds: number;
  /** Timed iterations per option and round, after two untimed. */
  iterations: number;
  onProgress?: (message: string) => void;
}

/** What one launch's options took in whole iterations of its mode. */
export interface InSituChoice {
  mode: ExecutionMode;
  /** Median iteration time with cuBLAS's pick, and with the chosen option (equal where the pick stays). */
  pickIterationUs: number;
  chosenIterationUs: number;
}

/**
 * Sets each tuning's `chosen` to its fastest option in whole iterations of the runtime's modes
 * (the runtime must have the modes that launch them: planned for a plan's launches, sequential
 * for the sequential mode's), and returns what each option took, by launch key.
 */
export function selectInSitu(runtime: Runtime, tunings: LaunchTuning[], settings: InSituOptions): Map<string, InSituChoice> {
  const requests = randomRequests(runtime, 0);
  fillCacheWithRandomValues(runtime);
  const [start, end] = [runtime.gpu.createEvent(), runtime.gpu.createEvent()];
  const choices = new Map<string, InSituChoice>();
  try {
    for (const tuning of tunings) {
      const options: (TimedAlgorithm | undefined)[] = [undefined, ...tuning.finalists.filter((f) => f.us < tuning.defaultUs).slice(0, settings.options)];
      if (options.length === 1) continue;
      const mode = modeOf(runtime, tuning);
      const samples = options.map(() => [] as number[]);
      for (let round = 0; round < settings.rounds; round++) {
        options.forEach((option, index) => {
          tuning.chosen = option;
          runtime.useGemmAlgorithms(new GemmAlgorithms(chosenEntries(tunings)));
          runtime.step(requests, { mode }); // captures the graph
          const execution = runtime.execution(mode);
          for (let i = 0; i < 2; i++) execution.launch(true);
          for (let i = 0; i < settings.iterations; i++) samples[index]!.push(timeOnce(runtime, start, end, execution.origin, () => execution.launch(true)));
        });
      }
      const medians = samples.map((times) => median(times));
      const best = medians.indexOf(Math.min(...medians));
      tuning.chosen = options[best];
      choices.set(gemmKey(tuning.launch), { mode, pickIterationUs: medians[0]!, chosenIterationUs: medians[best]! });
      settings.onProgress?.(
        `in situ, ${describeLaunch(tuning.launch)}: ${mode} iteration ${medians.map((us) => (us / 1000).toFixed(3)).join(" / ")} ms ` +
          `(cuBLAS's pick / window winners): ${best === 0 ? "cuBLAS's pick kept" : `winner ${best} chosen, ${(medians[0]! / medians[best]!).toFixed(4)}x`}`,
      );
    }
  } finally {
    runtime.useGemmAlgorithms(undefined);
    start.dispose();
    end.dispose();
  }
  return choices;
}

/** The modes a runtime needs for selectInSitu: those that launch the GEMMs with window winners. */
export function inSituModes(tunings: readonly LaunchTuning[]): ExecutionMode[] {
  return [...new Set(tunings.filter((tuning) => tuning.chosen).map(launchMode))];
}

/** The mode whose iterations time this GEMM: the planned mode unless only sequential launches it. */
function launchMode(tuning: LaunchTuning): ExecutionMode {
  return tuning.launch.modes.includes("planned") ? "planned" : "sequential";
}

function modeOf(runtime: Runtime, tuning: LaunchTuning): ExecutionMode {
  const mode = launchMode(tuning);
  if (!runtime.modes.includes(mode)) throw new Error(`${describeLaunch(tuning.launch)} runs in ${mode} mode, which the runtime was not made with`);
  return mode;
}
