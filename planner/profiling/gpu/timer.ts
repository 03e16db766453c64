/**
 * Times workloads with CUDA events: a probe for the length of one repetition, then enough
 * repetitions per timed run to dwarf event resolution (replayed from a graph), a warm-up, and the
 * median over runs. Co-running workloads are timed each inside the other's longer window, both
 * released by the same gate.
 */
import type { Gpu, GpuEvent, Stream } from "../../../runtime/gpu/index.js";
import { median } from "../../median.js";
import type { Gate } from "./gate.js";
import type { PreparedWork, Workload } from "./workload.js";

/** One timed run of graph-replayed work lasts at least this long. */
const RUN_US = 200;
/** Beyond this a single repetition is its own run: launch gaps are lost in it. */
const LONG_US = 10_000;
const MAX_REPS = 256;
/** Repetitions of a screening run at least. */
const SCREEN_REPS = 4;
/** Co-running windows: the measured side's length, and how much longer its partner runs. */
const CO_RUN_US = 5000;
/** Co-runs vary more than runs alone (clocks under a full GPU's power draw): the median of this many. */
const CO_RUNS = 7;
const PARTNER_MARGIN = 1.5;
/**
 * A plan runs for whole iterations, long enough for the GPU to reach its power cap and lower its
 * clocks (an H200 at 700 W within half a second: 1575 MHz in planned mode against 1965 in short
 * windows, bench/results/2026-11-21-h200-clocks-under-load/). So a co-run, or a sustained window
 * alone, runs this long untimed before its timed windows...
 */
const SUSTAIN_US = 500_000;
/**
 * ...while the same window alone is timed after the GPU has idled this long (its clocks back up, as
 * when the profile's tables are measured), so a factor carries the co-run's lower clocks as well as
 * its contention: what a plan sees against the tables.
 */
const COOL_DOWN_MS = 300;

export class WorkTimer {
  private readonly events = new Map<Gpu, GpuEvent[]>();
  /** The next unused event of each GPU's list in the current call (every call waits for all of its events). */
  private readonly cursors = new Map<Gpu, number>();

  constructor(private readonly gateFor: (gpu: Gpu) => Gate) {}

  /** Median microseconds per repetition, alone. */
  perRepUs(work: Workload): number {
    this.cursors.clear();
    // The first call of a new shape also pays for lazy set-up; a long one is its own sample.
    const first = this.probe(work);
    if (first >= LONG_US) return median([first, this.probe(work), this.probe(work)]);
    const probe = this.probe(work);
    const reps = Math.min(MAX_REPS, Math.max(work.rotation, Math.ceil(RUN_US / probe)));
    const prepared = work.prepare(reps);
    try {
      const runs = probe * reps >= 1000 ? 3 : 5;
      const gateUs = prepared.hostPaced ? this.gateUsFor([{ work, prepared }]) : 0;
      return median(this.runs([{ work, prepared }], runs, gateUs).map(([us]) => us! / reps));
    } finally {
      prepared.dispose();
    }
  }

  /**
   * Microseconds per repetition of one run of a few repetitions, after one untimed: a quick ranking
   * of many candidates (nanoweave tune screens about 1400 a GEMM), not a measurement.
   */
  screenUs(work: Workload): number {
    this.cursors.clear();
    const reps = Math.max(work.rotation, SCREEN_REPS);
    const prepared = work.prepare(reps);
    try {
      const [start, end] = [this.eventsFor(work.streams), this.eventsFor(work.streams)];
      prepared.queue();
      work.streams.forEach((stream, i) => start[i]!.record(stream));
      prepared.queue();
      work.streams.forEach((stream, i) => end[i]!.record(stream));
      return elapsedUs(start, end) / reps;
    } finally {
      prepared.dispose();
    }
  }

  /**
   * Microseconds per repetition of `measured` while `partner` runs beside it for longer, both
   * released by one gate, after SUSTAIN_US of the same untimed; without a partner, the same window
   * alone after COOL_DOWN_MS idle. `aloneUs` are their times alone, which size the windows. Comparing
   * a co-run with the same window alone matters for host-paced collectives: back to back, each
   * one's start-up hides behind the one before.
   */
  windowUs(measured: Workload, measuredAloneUs: number, partner?: { work: Workload; aloneUs: number }): number {
    return this.timedWindows(measured, measuredAloneUs, partner, partner !== undefined);
  }

  /**
   * Microseconds per repetition of `measured` alone in the same window as windowUs's, after
   * SUSTAIN_US of the same untimed: at the clocks its own power draw holds the GPU to, as a serving
   * loop does, where windowUs alone times it cool.
   */
  sustainedWindowUs(measured: Workload, measuredAloneUs: number): number {
    return this.timedWindows(measured, measuredAloneUs, undefined, true);
  }

  dispose(): void {
    for (const list of this.events.values()) for (const event of list) event.dispose();
  }

  /** windowUs's and sustainedWindowUs's windows: after SUSTAIN_US of the same work (sustain), else after COOL_DOWN_MS idle. */
  private timedWindows(measured: Workload, measuredAloneUs: number, partner: { work: Workload; aloneUs: number } | undefined, sustain: boolean): number {
    this.cursors.clear();
    const measuredReps = Math.min(MAX_REPS, Math.max(1, Math.ceil(CO_RUN_US / measuredAloneUs)));
    const measuredWork = measured.prepare(measuredReps);
    const partnerWork = partner?.work.prepare(Math.max(1, Math.ceil((PARTNER_MARGIN * measuredReps * measuredAloneUs) / partner.aloneUs)));
    try {
      // The partner is queued first, so it is already running when the measured work starts.
      const items = [...(partner && partnerWork ? [{ work: partner.work, prepared: partnerWork }] : []), { work: measured, prepared: measuredWork }];
      const gateUs = this.gateUsFor(items);
      if (sustain) {
        // Each side's prepared work repeated to fill SUSTAIN_US, so both end it together.
        const measuredWindowUs = measuredReps * measuredAloneUs;
        for (let run = 0; run * measuredWindowUs < SUSTAIN_US; run++) measuredWork.queue();
        if (partnerWork) for (let run = 0; run * PARTNER_MARGIN * measuredWindowUs < SUSTAIN_US; run++) partnerWork.queue();
      } else {
        for (const stream of measured.streams) stream.synchronize();
        Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, COOL_DOWN_MS);
      }
      return median(this.runs(items, CO_RUNS, gateUs).map((us) => us.at(-1)! / measuredReps));
    } finally {
      measuredWork.dispose();
      partnerWork?.dispose();
    }
  }

  /**
   * A gate long enough for the host to queue all of `items`: twice the host time of queueing their
   * host-paced work once, ungated (which also warms them up), plus a margin for the graph launches.
   */
  private gateUsFor(items: ReadonlyArray<{ work: Workload; prepared: PreparedWork }>): number {
    let hostUs = 0;
    for (const { work, prepared } of items) {
      if (!prepared.hostPaced) continue;
      const start = performance.now();
      prepared.queue();
      hostUs += (performance.now() - start) * 1000;
      for (const stream of work.streams) stream.synchronize();
    }
    return 2 * hostUs + 200;
  }

  /** One repetition queued directly: its GPU time, from the last stream to start. */
  private probe(work: Workload): number {
    const [start, end] = [this.eventsFor(work.streams), this.eventsFor(work.streams)];
    work.streams.forEach((stream, i) => start[i]!.record(stream));
    work.queueOne(0);
    work.streams.forEach((stream, i) => end[i]!.record(stream));
    return elapsedUs(start, end);
  }

  /**
   * Timed runs of several workloads queued together; per run and workload, the microseconds of the
   * stream that took least (the last to start waits least for its peers inside a collective).
   * Without a gate, a warm-up run goes first and the runs queue back to back.
   */
  private runs(items: ReadonlyArray<{ work: Workload; prepared: PreparedWork }>, count: number, gateUs: number): number[][] {
    const results: number[][] = [];
    const once = (): Array<{ start: GpuEvent[]; end: GpuEvent[] }> => {
      if (gateUs > 0) {
        const gpus = new Map<Gpu, Stream[]>();
        for (const { work } of items) for (const stream of work.streams) gpus.set(stream.gpu, [...(gpus.get(stream.gpu) ?? []), stream]);
        for (const [gpu, streams] of gpus) {
          const event = this.gateFor(gpu).hold(gateUs);
          for (const stream of streams) stream.waitFor(event);
        }
      }
      const marks = items.map(({ work }) => ({ start: this.eventsFor(work.streams), end: this.eventsFor(work.streams) }));
      items.forEach(({ work }, i) => work.streams.forEach((stream, s) => marks[i]!.start[s]!.record(stream)));
      for (const { prepared } of items) prepared.queue();
      items.forEach(({ work }, i) => work.streams.forEach((stream, s) => marks[i]!.end[s]!.record(stream)));
      return marks;
    };
    if (gateUs > 0) {
      for (let run = 0; run < count; run++) {
        this.cursors.clear();
        results.push(once().map(({ start, end }) => elapsedUs(start, end)));
      }
      return results;
    }
    once(); // warm-up
    const queued = Array.from({ length: count }, () => once());
    return queued.map((marks) => marks.map(({ start, end }) => elapsedUs(start, end)));
  }

  /** An unused event on each stream's GPU. */
  private eventsFor(streams: readonly Stream[]): GpuEvent[] {
    return streams.map((stream) => {
      const list = this.events.get(stream.gpu) ?? [];
      this.events.set(stream.gpu, list);
      const index = this.cursors.get(stream.gpu) ?? 0;
      this.cursors.set(stream.gpu, index + 1);
      if (index === list.length) list.push(stream.gpu.createEvent());
      return list[index]!;
    });
  }
}

/** Per stream elapsed time, the smallest of them. */
function elapsedUs(start: readonly GpuEvent[], end: readonly GpuEvent[]): number {
  return Math.min(...end.map((event, i) => {
    event.synchronize();
    return event.elapsedMsSince(start[i]!) * 1000;
  }));
}
