/**
 * From a mode's operations to what the host issues, in order: on each lane (stream) its operation
 * instances of every layer in steady-state order (predicted start, layer l at l·period), and GPU
 * events for the dependencies that cross lanes: the producer records one after it, the consumer
 * waits on it first. A wait already implied by an earlier wait on the same lane is left out.
 * Operations that must run alone also wait for, and are waited on by, their neighbours on every
 * other lane, as the plan's timeline has them. The host order puts every record before its waits
 * (CUDA waits on the latest record), and a plan whose order would deadlock is refused.
 */
import type { PlanOperation } from "../../planner/plan/schema.js";
import type { ModeOperations } from "./executionModes.js";

export interface OpInstance {
  op: PlanOperation;
  layer: number;
  lane: string;
  /** Predicted start and end from the start of layer 0. */
  startUs: number;
  endUs: number;
}

export type IssueStep =
  | { kind: "wait"; lane: string; event: number }
  | { kind: "run"; lane: string; instance: OpInstance }
  | { kind: "record"; lane: string; event: number };

export interface IssueSchedule {
  /** Lanes in order of first use. */
  lanes: string[];
  /** Host issue order; events are numbered 0 .. events - 1. */
  steps: IssueStep[];
  events: number;
  /** Per lane, the event recorded after its last step (the iteration's end waits on all of them). */
  joinEvents: Map<string, number>;
}

/** Predicted times closer than this (µs) count as equal. */
const TIME_EPSILON_US = 1e-3;

export function buildIssueSchedule(mode: ModeOperations, layers: number): IssueSchedule {
  const instances = instancesOf(mode, layers);
  const byKey = new Map(instances.map((instance) => [keyOf(instance.layer, instance.op.id), instance]));
  const laneOrder = new Map<string, OpInstance[]>();
  for (const instance of instances) {
    const lane = laneOrder.get(instance.lane) ?? [];
    lane.push(instance);
    laneOrder.set(instance.lane, lane);
  }
  const position = new Map<OpInstance, number>();
  for (const lane of laneOrder.values()) {
    lane.sort((a, b) => a.startUs - b.startUs || a.layer - b.layer);
    lane.forEach((instance, index) => position.set(instance, index));
  }

  const dependencies = new Map<OpInstance, Set<OpInstance>>(instances.map((instance) => [instance, new Set()]));
  for (const instance of instances) {
    for (const dependency of instance.op.dependsOn) {
      const layer = instance.layer + dependency.layer;
      if (layer < 0) continue; // layer 0 follows the prologue, which every lane waits for
      const producer = byKey.get(keyOf(layer, dependency.op));
      if (!producer) throw new Error(`operation ${instance.op.id} depends on ${dependency.op}, which the plan does not have`);
      dependencies.get(instance)!.add(producer);
    }
  }
  addExclusions(instances, laneOrder, dependencies, mode);

  // Cross-lane waits, minus those implied by an earlier wait of the same lane.
  const waits = new Map<OpInstance, OpInstance[]>();
  for (const [laneName, lane] of laneOrder) {
    const waited = new Map<string, number>();
    for (const consumer of lane) {
      const needed: OpInstance[] = [];
      for (const producer of dependencies.get(consumer)!) {
        if (producer.lane === laneName) {
          if (position.get(producer)! >= position.get(consumer)!) {
            throw new Error(`${describe(consumer)} depends on ${describe(producer)}, which its stream issues after it`);
          }
          continue;
        }
        if ((waited.get(producer.lane) ?? -1) >= position.get(producer)!) continue;
        needed.push(producer);
      }
      // The latest producer of each lane covers the earlier ones.
      const latest = new Map<string, OpInstance>();
      for (const producer of needed) {
        const current = latest.get(producer.lane);
        if (!current || position.get(producer)! > position.get(current)!) latest.set(producer.lane, producer);
      }
      for (const producer of latest.values()) waited.set(producer.lane, position.get(producer)!);
      waits.set(consumer, [...latest.values()]);
    }
  }
  return hostOrder(laneOrder, waits);
}

function instancesOf(mode: ModeOperations, layers: number): OpInstance[] {
  if (!Number.isInteger(layers) || layers < 1) throw new RangeError(`Expected a positive layer count but received ${layers}`);
  const instances: OpInstance[] = [];
  for (let layer = 0; layer < layers; layer++) {
    for (const op of mode.operations) {
      const base = layer * mode.periodUs;
      instances.push({ op, layer, lane: mode.laneOf(op), startUs: base + op.startUs, endUs: base + op.endUs });
    }
  }
  return instances;
}

/** An exclusive op waits for the last op that ends before it on every other lane, and the first op after it on each waits for it. */
function addExclusions(instances: readonly OpInstance[], laneOrder: Map<string, OpInstance[]>, dependencies: Map<OpInstance, Set<OpInstance>>, mode: ModeOperations): void {
  for (const alone of instances.filter((instance) => mode.exclusive(instance.op))) {
    for (const [laneName, lane] of laneOrder) {
      if (laneName === alone.lane) continue;
      const before = lane.filter((other) => other.endUs <= alone.startUs + TIME_EPSILON_US).at(-1);
      const after = lane.find((other) => other.startUs >= alone.endUs - TIME_EPSILON_US);
      if (before) dependencies.get(alone)!.add(before);
      if (after) dependencies.get(after)!.add(alone);
    }
  }
}

/** Issues lanes round-robin, each as far as its waits are recorded; records go right after their producer. */
function hostOrder(laneOrder: Map<string, OpInstance[]>, waits: Map<OpInstance, OpInstance[]>): IssueSchedule {
  const recorded = new Set<OpInstance>();
  for (const producers of waits.values()) for (const producer of producers) recorded.add(producer);
  const eventOf = new Map<OpInstance, number>();
  let events = 0;
  for (const lane of laneOrder.values()) for (const instance of lane) if (recorded.has(instance)) eventOf.set(instance, events++);

  const steps: IssueStep[] = [];
  const issued = new Set<OpInstance>();
  const next = new Map<string, number>([...laneOrder.keys()].map((lane) => [lane, 0]));
  let remaining = [...laneOrder.values()].reduce((sum, lane) => sum + lane.length, 0);
  while (remaining > 0) {
    let progressed = false;
    for (const [laneName, lane] of laneOrder) {
      let index = next.get(laneName)!;
      while (index < lane.length && waits.get(lane[index]!)!.every((producer) => issued.has(producer))) {
        const instance = lane[index]!;
        for (const producer of waits.get(instance)!) steps.push({ kind: "wait", lane: laneName, event: eventOf.get(producer)! });
        steps.push({ kind: "run", lane: laneName, instance });
        if (eventOf.has(instance)) steps.push({ kind: "record", lane: laneName, event: eventOf.get(instance)! });
        issued.add(instance);
        index++;
        remaining--;
        progressed = true;
      }
      next.set(laneName, index);
    }
    if (!progressed) {
      const stuck = [...laneOrder].map(([lane, ops]) => ops[next.get(lane)!]).filter((instance) => instance !== undefined).map(describe);
      throw new Error(`the plan's order deadlocks: ${stuck.join("; ")} each wait for work issued after them`);
    }
  }
  const joinEvents = new Map<string, number>();
  for (const laneName of laneOrder.keys()) {
    joinEvents.set(laneName, events);
    steps.push({ kind: "record", lane: laneName, event: events++ });
  }
  return { lanes: [...laneOrder.keys()], steps, events, joinEvents };
}

function keyOf(layer: number, id: string): string {
  return `${layer}:${id}`;
}

function describe(instance: OpInstance): string {
  return `${instance.op.id} of layer ${instance.layer} (on ${instance.lane})`;
}
