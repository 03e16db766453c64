/**
 * Replays a plan's timeline over consecutive layers and reports every way it breaks the rules a
 * runtime relies on: more SMs busy than the GPU has, a whole-GPU op sharing the GPU, two ops on
 * one stream at once, or an op starting before something it depends on has ended.
 */
import { WHOLE_LAYOUT, type Plan } from "./schema.js";

/**
 * Slack when comparing predicted times, in microseconds: a nanosecond. The solver meets its
 * constraints only within its feasibility tolerance (about 1e-6 us was seen on a 4-GPU H200 plan), far
 * below anything a GPU can time.
 */
const EPSILON_US = 1e-3;

interface Instance {
  id: string;
  layer: number;
  stream: string;
  sms: number;
  whole: boolean;
  start: number;
  end: number;
}

export function replayViolations(plan: Plan, layers = 4): string[] {
  const violations: string[] = [];
  const byId = new Map(plan.operations.map((o) => [o.id, o]));
  const instances: Instance[] = [];
  for (let layer = 0; layer < layers; layer++) {
    for (const op of plan.operations) {
      const offset = layer * plan.periodUs;
      instances.push({ id: op.id, layer, stream: op.stream, sms: op.sms, whole: op.layout === WHOLE_LAYOUT && plan.layouts.length > 1, start: offset + op.startUs, end: offset + op.endUs });
    }
  }
  const at = new Map(instances.map((i) => [`${i.id}@${i.layer}`, i]));

  for (const inst of instances) {
    const op = byId.get(inst.id)!;
    if (op.endUs < op.startUs) violations.push(`${op.id} ends before it starts`);
    for (const dep of op.dependsOn) {
      if (!byId.has(dep.op)) {
        violations.push(`${op.id} depends on unknown op ${dep.op}`);
        continue;
      }
      const parent = at.get(`${dep.op}@${inst.layer + dep.layer}`);
      if (parent && parent.end > inst.start + EPSILON_US) {
        violations.push(`layer ${inst.layer}: ${op.id} starts at ${inst.start.toFixed(2)} us before ${dep.op} (layer ${parent.layer}) ends at ${parent.end.toFixed(2)} us`);
      }
    }
  }

  // Sweep the instants where something starts: what runs then must fit the GPU.
  for (const probe of instances) {
    const t = probe.start + EPSILON_US;
    const running = instances.filter((i) => i.start <= t && t < i.end - EPSILON_US);
    const streams = new Map<string, Instance>();
    for (const i of running) {
      const other = streams.get(i.stream);
      if (other && other !== i) violations.push(`${other.id}@${other.layer} and ${i.id}@${i.layer} run at once on the ${i.stream} stream at ${t.toFixed(2)} us`);
      streams.set(i.stream, i);
    }
    const whole = running.find((i) => i.whole);
    if (whole && running.length > 1) {
      violations.push(`${whole.id}@${whole.layer} holds the whole GPU at ${t.toFixed(2)} us beside ${running.filter((i) => i !== whole).map((i) => i.id).join(", ")}`);
    }
    const busy = running.reduce((sum, i) => sum + i.sms, 0);
    if (!whole && busy > plan.gpu.sms) violations.push(`${busy} SMs busy at ${t.toFixed(2)} us, more than the ${plan.gpu.sms} the GPU has`);
  }
  return [...new Set(violations)];
}
