/**
 * One execution mode made ready to run: its lanes, its issue schedule with the events that order
 * the lanes, and the whole iteration (prologue, every layer, epilogue) captured once as a CUDA
 * graph from a plain origin stream that forks to every lane and joins them at the end.
 */
import type { Plan } from "../../planner/plan/schema.js";
import type { Cublas, CudaGraph, Gpu, GpuEvent, Stream } from "../gpu/index.js";
import { operationsFor, type ExecutionMode, type ModeOperations } from "../plan/executionModes.js";
import { buildIssueSchedule, type IssueSchedule } from "../plan/issueSchedule.js";
import { LaneSet, type PlanPartitions } from "./lanes.js";
import { launchEpilogue, launchOperation, launchPrologue, type ModelState } from "./launchOperation.js";

export class ModeExecution {
  private graph: CudaGraph | undefined;

  private constructor(
    readonly mode: ExecutionMode,
    readonly operations: ModeOperations,
    readonly schedule: IssueSchedule,
    readonly lanes: LaneSet,
    /** Where the iteration starts and ends: prologue and epilogue run here. */
    readonly origin: Stream,
    private readonly originCublas: Cublas,
    private readonly events: GpuEvent[],
    private readonly state: ModelState,
  ) {}

  static create(gpu: Gpu, plan: Plan, mode: ExecutionMode, state: ModelState, partitions: PlanPartitions | undefined): ModeExecution {
    const operations = operationsFor(plan, mode);
    const schedule = buildIssueSchedule(operations, state.shape.layers);
    const lanes = LaneSet.create(gpu, operations, partitions);
    const owned: { dispose(): void }[] = [lanes];
    try {
      const origin = gpu.createStream();
      owned.push(origin);
      const originCublas = gpu.createCublas();
      owned.push(originCublas);
      const events = Array.from({ length: schedule.events + 1 }, () => gpu.createEvent({ timing: false }));
      owned.push(...events);
      return new ModeExecution(mode, operations, schedule, lanes, origin, originCublas, events, state);
    } catch (error) {
      for (const resource of owned.reverse()) resource.dispose();
      throw error;
    }
  }

  /** Queues one iteration on the origin stream: the captured graph, captured on first use. */
  launch(useGraph: boolean): void {
    if (!useGraph) return this.issue();
    if (!this.graph) {
      this.origin.beginCapture("thread-local");
      try {
        this.issue();
      } catch (error) {
        // End the capture so the stream is usable (and disposable) again; the issuing error is the one to report.
        try {
          this.origin.endCapture().dispose();
        } catch {
          // A failed launch may already have invalidated the capture.
        }
        throw error;
      }
      this.graph = this.origin.endCapture();
    }
    this.graph.launch(this.origin);
  }

  /** Prologue, fork, every lane's steps in host order, join, epilogue. */
  private issue(): void {
    const fork = this.events[this.schedule.events]!;
    launchPrologue(this.state, this.origin);
    fork.record(this.origin);
    for (const name of this.schedule.lanes) this.lanes.lane(name).stream.waitFor(fork);
    for (const step of this.schedule.steps) {
      const lane = this.lanes.lane(step.lane);
      if (step.kind === "wait") lane.stream.waitFor(this.events[step.event]!);
      else if (step.kind === "record") this.events[step.event]!.record(lane.stream);
      else launchOperation(this.state, lane, step.instance.op, step.instance.layer);
    }
    for (const event of this.schedule.joinEvents.values()) this.origin.waitFor(this.events[event]!);
    launchEpilogue(this.state, this.origin, this.originCublas);
  }

  /** Prologue and epilogue alone, eagerly: the part of an iteration outside the layers. */
  issueEdges(): void {
    launchPrologue(this.state, this.origin);
    launchEpilogue(this.state, this.origin, this.originCublas);
  }

  dispose(): void {
    this.graph?.dispose();
    for (const event of this.events) event.dispose();
    this.originCublas.dispose();
    this.origin.dispose();
    this.lanes.dispose();
  }
}
