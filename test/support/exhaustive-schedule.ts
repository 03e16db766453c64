/**
 * An exhaustive search over the planner's schedule space, independent of any LP or MILP solver, for
 * tests on tiny instances: every layout, every whole-GPU choice and every winding of every pair that
 * must not overlap, each closed exactly by enumerating the cycles of its difference constraints.
 */
import { candidateLayouts, nanoBatchSizes, type LaneSwitchCosts, type ScheduleProblem } from "../../planner/schedule/problem.js";

/**
 * The tests' own statement of what ordering op v after op u costs, apart from the MILP's: u and v of
 * one stream or not, each alone on the whole GPU or in its partition. A switch between the split and
 * the whole GPU costs wholeGpuUs; two partitions of different streams crossLaneUs; one lane, or two
 * whole-GPU ops (plain streams), nothing.
 */
export function laneSwitchUs(costs: LaneSwitchCosts | undefined, sameStream: boolean, uWhole: boolean, vWhole: boolean): number {
  if (!costs) return 0;
  if (uWhole !== vWhole) return costs.wholeGpuUs;
  return !uWhole && !sameStream ? costs.crossLaneUs : 0;
}

/** T_to - T_from >= constant + perP·P */
interface Edge {
  from: number;
  to: number;
  constant: number;
  perP: number;
}

/** The least period K·P of any modulo schedule with K nano-batches, or Infinity if none exists. */
export function exhaustiveBestPeriod(problem: ScheduleProblem, K: number): number {
  const size = nanoBatchSizes(problem.granules, K)![0]!;
  const ops = problem.groups.length;
  let best = Infinity;
  for (const layout of candidateLayouts(problem)) {
    for (let mask = 0; mask < 1 << ops; mask++) {
      const whole = (o: number): boolean => (mask & (1 << o)) !== 0;
      const splitGroups = problem.groups.map((_, o) => o).filter((o) => !whole(o));
      const d = problem.groups.map((g, o) => problem.durationUs(o, size, whole(o) ? problem.sms : layout[g.stream], whole(o) ? {} : { split: layout, splitGroups }));
      const switchUs = (u: number, v: number): number =>
        laneSwitchUs(problem.laneSwitch, problem.groups[u]!.stream === problem.groups[v]!.stream, whole(u), whole(v));
      const pairs: [number, number][] = [];
      for (let u = 0; u < ops; u++) {
        for (let v = u + 1; v < ops; v++) {
          if (problem.groups[u]!.stream === problem.groups[v]!.stream || whole(u) || whole(v)) pairs.push([u, v]);
        }
      }
      // Node `ops` is the origin: T_first = 0.
      const z = ops;
      const base: Edge[] = [
        { from: z, to: 0, constant: 0, perP: 0 },
        { from: 0, to: z, constant: 0, perP: 0 },
        ...problem.edges.map((e) => ({ from: e.from, to: e.to, constant: d[e.from]! + switchUs(e.from, e.to), perP: 0 })),
        { from: ops - 1, to: z, constant: d[ops - 1]! + switchUs(ops - 1, 0), perP: -K },
      ];
      const minP = Math.max(...d);
      const windings = range(-K, K + 1);
      const choose = (index: number, edges: Edge[]): void => {
        if (index === pairs.length) {
          const P = leastFeasibleP(ops + 1, edges, minP);
          if (P !== undefined) best = Math.min(best, K * P);
          return;
        }
        const [u, v] = pairs[index]!;
        // The runtime orders an op alone after its neighbours on the other lanes and them after it.
        const wholeGpuSwitchUs = whole(u) !== whole(v) ? switchUs(u, v) : 0;
        for (const k of windings) {
          choose(index + 1, [
            ...edges,
            // T_u + d_u + s <= T_v + kP  and  T_v + kP + d_v + s <= T_u + P, s a whole-GPU switch
            { from: u, to: v, constant: d[u]! + wholeGpuSwitchUs, perP: -k },
            { from: v, to: u, constant: d[v]! + wholeGpuSwitchUs, perP: k - 1 },
          ]);
        }
      };
      choose(0, base);
    }
  }
  return best;
}

/**
 * The least P >= minP for which the constraints have a solution: none exists exactly when some
 * cycle has positive total weight, and each cycle's weight is linear in P, so P's feasible set is
 * the intersection of the half-lines the cycles give.
 */
function leastFeasibleP(nodes: number, edges: readonly Edge[], minP: number): number | undefined {
  let lower = minP;
  let upper = Infinity;
  for (const cycle of simpleCycles(nodes, edges)) {
    const constant = cycle.reduce((s, e) => s + e.constant, 0);
    const perP = cycle.reduce((s, e) => s + e.perP, 0);
    // constant + perP·P <= 0
    if (perP === 0) {
      if (constant > 1e-9) return undefined;
    } else if (perP < 0) {
      lower = Math.max(lower, constant / -perP);
    } else {
      upper = Math.min(upper, -constant / perP);
    }
  }
  return lower <= upper + 1e-9 ? lower : undefined;
}

/** Every simple cycle of the multigraph, as edge lists, each found once (from its smallest node). */
function simpleCycles(nodes: number, edges: readonly Edge[]): Edge[][] {
  const out: Edge[][] = [];
  for (let start = 0; start < nodes; start++) {
    const walk = (node: number, visited: Set<number>, path: Edge[]): void => {
      for (const e of edges) {
        if (e.from !== node || e.to < start) continue;
        if (e.to === start) out.push([...path, e]);
        else if (!visited.has(e.to)) {
          visited.add(e.to);
          walk(e.to, visited, [...path, e]);
          visited.delete(e.to);
        }
      }
    };
    walk(start, new Set([start]), []);
  }
  return out;
}

function range(from: number, to: number): number[] {
  const out: number[] = [];
  for (let x = from; x <= to; x++) out.push(x);
  return out;
}
