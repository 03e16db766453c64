/**
 * One execution mode made ready to run on every rank's GPU: each rank's lanes, the issue schedule
 * (the same on every rank, so the ranks' collectives line up), each rank's events, and the whole
 * iteration (prologue, every layer, epilogue) captured once per rank as a CUDA graph from a plain
 * origin stream that forks to every lane and joins them at the end. For timing, an iteration of
 * only the first layers can be run too, with its own schedule and graphs. One thread issues every rank in
 * lockstep: a step runs on all ranks before the next, and an all-reduce is one call for all ranks,
 * each part on that rank's network lane.
 */
import type { Plan, PlanOperation } from "../../planner/plan/schema.js";
import type { Cublas, CudaGraph, GpuEvent, Stream } from "../gpu/index.js";
import { operationsFor, type ExecutionMode, type ModeOperations } from "../plan/executionModes.js";
import { buildIssueSchedule, type IssueSchedule, type IssueStep, type OpInstance } from "../plan/issueSchedule.js";
import type { LayerTrace } from "../coRunTrace.js";
import { layerTraceFromKernels, type CapturedOperation } from "../layerTraceFromKernels.js";
import { recordKernels } from "../gpu/kernelActivity.js";
import type { ResidualAllReduce } from "./collectives.js";
import { disposeInReverse, own, type Disposable } from "../owned.js";
import type { GemmAlgorithms } from "../gemmAlgorithmTable.js";
import { LaneSet } from "./lanes.js";
import { launchEpilogue, launchOperation, launchPrologue } from "./launchOperation.js";
import type { RankEngine } from "./RankEngine.js";

/**
 * While an iteration is captured for a trace: per traced op of `layer` and rank, where its kernels
 * are among the rank's graph's kernel nodes ([first, end) in capture order), and each rank's total.
 */
interface KernelCounter {
  layer: number;
  operations: CapturedOperation[];
  kernelNodes: number[];
}

/** What one rank issues on: its lanes, origin stream and events. */
interface RankIssue {
  engine: RankEngine;
  lanes: LaneSet;
  origin: Stream;
  originCublas: Cublas;
  events: GpuEvent[];
  /** Recorded on the origin after the rank's iteration, for rank 0 to wait on. */
  done: GpuEvent;
}

export class ModeExecution {
  /** Each rank's graph of an iteration, by its layers (the model's, or fewer for timing). */
  private readonly graphs = new Map<number, CudaGraph[]>();
  /** Issue schedules by layers; the model's is made first, and no other needs more events. */
  private readonly schedules = new Map<number, IssueSchedule>();
  /** Set when the graph could not be captured and iterations are issued eagerly instead: why. */
  graphFallback: string | undefined;

  private constructor(
    readonly mode: ExecutionMode,
    readonly operations: ModeOperations,
    /** The model's layers: an iteration's. */
    readonly layers: number,
    schedule: IssueSchedule,
    private readonly ranks: readonly RankIssue[],
    /** How the ranks sum the residual; undefined for a plan without all-reduces. */
    private readonly allReduce: ResidualAllReduce | undefined,
    /** Every rank's lanes, streams, cuBLAS handle and events, in the order made. */
    private readonly owned: readonly Disposable[],
  ) {
    this.schedules.set(layers, schedule);
  }

  static create(
    plan: Plan,
    mode: ExecutionMode,
    engines: readonly RankEngine[],
    allReduce: ResidualAllReduce | undefined,
    gemmAlgorithms?: GemmAlgorithms,
  ): ModeExecution {
    const operations = operationsFor(plan, mode);
    const layers = engines[0]!.state.shape.layers;
    const schedule = buildIssueSchedule(operations, layers);
    const owned: Disposable[] = [];
    try {
      const ranks = engines.map((engine) => ({
        engine,
        lanes: own(owned, LaneSet.create(engine.gpu, operations, engine.partitions, gemmAlgorithms)),
        origin: own(owned, engine.gpu.createStream()),
        originCublas: own(owned, engine.gpu.createCublas()),
        events: Array.from({ length: schedule.events + 1 }, () => own(owned, engine.gpu.createEvent({ timing: false }))),
        done: own(owned, engine.gpu.createEvent({ timing: false })),
      }));
      return new ModeExecution(mode, operations, layers, schedule, ranks, allReduce, owned);
    } catch (error) {
      disposeInReverse(owned);
      throw error;
    }
  }

  /** Rank 0's origin stream: where its iteration starts and ends (timing events go here). */
  get origin(): Stream {
    return this.ranks[0]!.origin;
  }

  /** Each rank's origin stream, in rank order. */
  get rankOrigins(): Stream[] {
    return this.ranks.map((rank) => rank.origin);
  }

  /** Rank 0's lanes (every rank has the same). */
  get lanes(): LaneSet {
    return this.ranks[0]!.lanes;
  }

  /**
   * Queues one iteration on every rank: the captured graphs, captured on first use. `layers`: of
   * the model's first layers only (for timing: the model's output is then not the model's). Rank
   * 0's origin then waits for every rank, so what follows there (a timing event) marks the end of
   * the iteration on all of them.
   */
  launch(useGraph: boolean, layers = this.layers): void {
    this.launchOnEachRank(useGraph, layers);
    this.joinRanks();
  }

  private launchOnEachRank(useGraph: boolean, layers: number): void {
    const schedule = this.scheduleFor(layers);
    if (!useGraph || this.graphFallback !== undefined) return this.issue(schedule);
    let graphs = this.graphs.get(layers);
    if (!graphs) {
      graphs = this.capture(schedule);
      if (!graphs) return this.issue(schedule);
      this.graphs.set(layers, graphs);
    }
    this.launchGraphs(graphs);
  }

  /**
   * Rank 0's origin waits for every other rank's. A tensor-parallel iteration is done when its
   * slowest rank is: ranks that sum do not run apart, but with sums held (hold) they do, and GPUs at
   * their power limit hold different clocks for the same work (4-9% apart on 4 x H200 hosts).
   */
  private joinRanks(): void {
    const [first, ...others] = this.ranks;
    for (const rank of others) {
      rank.done.record(rank.origin);
      first!.origin.waitFor(rank.done);
    }
  }

  /** Each rank's graph on its origin. */
  private launchGraphs(graphs: readonly CudaGraph[]): void {
    graphs.forEach((graph, index) => graph.launch(this.ranks[index]!.origin));
  }

  /** One op of layer 0 on its lane of every rank (an all-reduce across them); rank 0's lane stream. */
  launchAlone(op: PlanOperation): Stream {
    const lane = this.operations.laneOf(op);
    if (op.kind === "all_reduce") this.sumOperation(this.ranks.map((rank) => rank.lanes.lane(lane).stream), op);
    else for (const rank of this.ranks) launchOperation(rank.engine.state, rank.lanes.lane(lane), op, 0);
    return this.ranks[0]!.lanes.lane(lane).stream;
  }

  /**
   * `repetitions` of launchAlone(op) captured as a CUDA graph per rank, replayed by `launch()`: the
   * op's kernels back to back without the host's cost of each launch, which bounds eager launches
   * of a short kernel (rope_kv_append alone: 15-21 us eager, 4.6 us in the iteration's graph on an
   * H100). Undefined where graphs are off or capture across GPUs fails (as for the iteration):
   * launch eagerly then.
   */
  captureAlone(op: PlanOperation, repetitions: number, useGraph: boolean): { launch(): void; dispose(): void } | undefined {
    if (!useGraph || this.graphFallback !== undefined) return undefined;
    const streams = this.ranks.map((rank) => rank.lanes.lane(this.operations.laneOf(op)).stream);
    let graphs: CudaGraph[];
    try {
      graphs = this.captureEach(streams, () => {
        for (let i = 0; i < repetitions; i++) this.launchAlone(op);
      });
    } catch (error) {
      if (!this.allReduce) throw error;
      return undefined;
    }
    return {
      launch: () => graphs.forEach((graph, rank) => graph.launch(streams[rank]!)),
      dispose: () => graphs.forEach((graph) => graph.dispose()),
    };
  }

  /**
   * `samples` launches of a graph of the iteration (after one to warm up), back to back, with every
   * kernel recorded through CUPTI and nothing added to the graph: when each op of `layer` ran beside
   * the others, from the iteration's first kernel (rank 0's), and how long on each rank, each the
   * median over the samples. Needs CUPTI and the iteration as a CUDA graph: where capture across GPUs
   * fell back to eager launches this throws, saying so.
   */
  traceLayer(layer: number, samples: number): LayerTrace {
    if (!Number.isInteger(samples) || samples < 1) throw new RangeError(`Expected a positive whole number of traced iterations but received ${samples}`);
    if (!Number.isInteger(layer) || layer < 0 || layer >= this.layers) throw new RangeError(`Expected a layer from 0 to ${this.layers - 1} but received ${layer}`);
    const noGraph = () => new Error(`The co-run trace reads the kernels of the iteration's CUDA graph, and here there is none: ${this.graphFallback}`);
    if (this.graphFallback !== undefined) throw noGraph();
    const counter: KernelCounter = { layer, operations: [], kernelNodes: [] };
    const warmup = 1;
    const kernels = recordKernels(() => {
      const graphs = this.capture(this.scheduleFor(this.layers), counter);
      if (!graphs) throw noGraph();
      try {
        for (let launch = 0; launch < warmup + samples; launch++) this.launchGraphs(graphs);
        for (const rank of this.ranks) rank.engine.gpu.synchronize();
      } finally {
        for (const graph of graphs) graph.dispose();
      }
    });
    const devices = this.ranks.map((rank) => rank.engine.gpu.ordinal);
    return layerTraceFromKernels({ devices, kernelNodes: counter.kernelNodes, operations: counter.operations }, kernels, warmup + samples, warmup);
  }

  /** Prologue and epilogue alone, eagerly: the part of an iteration outside the layers. */
  issueEdges(): void {
    this.issuePrologue();
    for (const rank of this.ranks) launchEpilogue(rank.engine.state, rank.origin, rank.originCublas);
    this.joinRanks();
  }

  /**
   * Every rank's iteration as a graph (counting its kernels for a trace), or undefined (with
   * graphFallback set) where capture fails across GPUs: iterations are then issued eagerly.
   */
  private capture(schedule: IssueSchedule, counter?: KernelCounter): CudaGraph[] | undefined {
    if (this.allReduce) {
      // NCCL connects its ranks on their first collective, which a capture cannot record.
      this.issue(schedule);
      for (const rank of this.ranks) rank.engine.gpu.synchronize();
    }
    try {
      return this.captureEach(this.rankOrigins, () => this.issue(schedule, counter));
    } catch (error) {
      if (!this.allReduce) throw error;
      this.graphFallback = `CUDA graph capture across ${this.ranks.length} GPUs failed (${(error as Error).message}); issuing every launch each iteration instead`;
      return undefined;
    }
  }

  /**
   * What `record` issues on `streams` (one per rank), captured as a graph per rank. On a failure
   * the captures still open are ended and the graphs already made disposed, and the error is thrown.
   */
  private captureEach(streams: readonly Stream[], record: () => void): CudaGraph[] {
    // Thread-local capture forbids instantiating rank 0's graph while rank 1's capture is open
    // (CUDA_ERROR_STREAM_CAPTURE_UNSUPPORTED on 2 H200s); relaxed allows it.
    const mode = this.ranks.length > 1 ? "relaxed" : "thread-local";
    const capturing: Stream[] = [];
    const graphs: CudaGraph[] = [];
    try {
      for (const stream of streams) {
        stream.beginCapture(mode);
        capturing.push(stream);
      }
      record();
      while (capturing.length > 0) graphs.push(capturing.shift()!.endCapture());
      return graphs;
    } catch (error) {
      abandonCaptures(capturing);
      for (const graph of graphs) graph.dispose();
      throw error;
    }
  }

  /** The issue schedule of an iteration of the first `layers` layers, made on first use. */
  private scheduleFor(layers: number): IssueSchedule {
    if (!Number.isInteger(layers) || layers < 1 || layers > this.layers) throw new RangeError(`Expected an iteration of 1 to ${this.layers} layers but received ${layers}`);
    let schedule = this.schedules.get(layers);
    if (!schedule) {
      schedule = buildIssueSchedule(this.operations, layers);
      // The model's schedule sized the events (its count, and one to fork).
      if (schedule.events >= this.ranks[0]!.events.length) throw new Error(`an iteration of ${layers} layers needs ${schedule.events + 1} events, more than the ${this.ranks[0]!.events.length} made for ${this.layers}`);
      this.schedules.set(layers, schedule);
    }
    return schedule;
  }

  /** Prologue, fork, every lane's steps in host order on every rank, join, epilogue. */
  private issue(schedule: IssueSchedule, counter?: KernelCounter): void {
    this.issuePrologue();
    // The fork's event is the last: the schedule's own are numbered from 0.
    const forkEvent = this.ranks[0]!.events.length - 1;
    for (const rank of this.ranks) {
      const fork = rank.events[forkEvent]!;
      fork.record(rank.origin);
      for (const name of schedule.lanes) rank.lanes.lane(name).stream.waitFor(fork);
    }
    for (const step of schedule.steps) {
      if (step.kind === "run") {
        this.run(step, counter);
        continue;
      }
      for (const rank of this.ranks) {
        const stream = rank.lanes.lane(step.lane).stream;
        if (step.kind === "wait") stream.waitFor(rank.events[step.event]!);
        else rank.events[step.event]!.record(stream);
      }
    }
    for (const rank of this.ranks) {
      for (const event of schedule.joinEvents.values()) rank.origin.waitFor(rank.events[event]!);
      launchEpilogue(rank.engine.state, rank.origin, rank.originCublas);
    }
    if (counter) counter.kernelNodes = this.ranks.map((rank) => rank.origin.capturedKernelNodes());
  }

  /** One op on its lane of every rank: an all-reduce as one NCCL group call across them. */
  private run(step: Extract<IssueStep, { kind: "run" }>, counter: KernelCounter | undefined): void {
    const { op, layer } = step.instance;
    const lanes = this.ranks.map((rank) => rank.lanes.lane(step.lane));
    const counted = () => lanes.map((lane) => lane.stream.capturedKernelNodes());
    const first = counter?.layer === layer ? counted() : undefined;
    if (op.kind === "all_reduce") this.sumOperation(lanes.map((lane) => lane.stream), op);
    else this.ranks.forEach((rank, index) => launchOperation(rank.engine.state, lanes[index]!, op, layer));
    if (first) {
      const end = counted();
      counter!.operations.push({ id: op.id, lane: step.lane, kernels: first.map((at, rank) => [at, end[rank]!] as const) });
    }
  }

  /** A plan's all-reduce op on every rank, rank r's part on streams[r], with its rows, SMs and planned time. */
  private sumOperation(streams: readonly Stream[], op: PlanOperation): void {
    this.allReduce!.sumRows(streams, op.rows, op.sms, op.endUs - op.startUs);
  }

  /** Each rank embeds its vocabulary's tokens; across ranks, the sum is every token's embedding. */
  private issuePrologue(): void {
    for (const rank of this.ranks) launchPrologue(rank.engine.state, rank.origin);
    const { buffers, kernels } = this.ranks[0]!.engine.state;
    this.allReduce?.sumRows(this.rankOrigins, [0, buffers.rows], kernels.deviceSms);
  }

  dispose(): void {
    for (const graphs of this.graphs.values()) for (const graph of graphs) graph.dispose();
    disposeInReverse(this.owned);
  }
}

/** Ends the captures still open so the streams are usable (and disposable) again. */
function abandonCaptures(streams: readonly Stream[]): void {
  for (const stream of streams) {
    try {
      stream.endCapture().dispose();
    } catch {
      // A failed launch may already have invalidated the capture.
    }
  }
}
