/**
 * The MILP for one steady-state layer cut into K >= 2 nano-batches, as a modulo schedule: every
 * nano-batch follows the same timetable, nano-batch i starting i·P after nano-batch 0, so the layer
 * period is II = K·P. docs/milp.md states it in mathematical form with the same symbols; keep the
 * two in step.
 *
 * Decisions: the SM layout (one-hot lambda over candidate layouts), for every op of the chain
 * whether it runs alone on the whole GPU (omega) or in its stream's partition, its start T, and for
 * every pair of ops that must not overlap, which copy of the other it sits between (one-hot beta
 * over winding numbers k). Objective: the smallest P.
 */
import { MilpModel, type Variable } from "../milp/model.js";
import {
  candidateLayouts,
  nanoBatchSizes,
  type LaneSwitchCosts,
  type Layout,
  type Schedule,
  type ScheduleProblem,
  type ScheduledOperation,
  type StreamCategory,
} from "./problem.js";

interface ChainOp {
  readonly group: number;
  readonly name: string;
  readonly stream: StreamCategory;
  readonly wholeGpu: Variable;
  /** zeta[L] = lambda[L] * (1 - omega): in the split of layout L. */
  readonly zeta: readonly Variable[];
  readonly duration: Variable;
  readonly start: Variable;
}

export interface PipelineFormulation {
  readonly model: MilpModel;
  readonly nanoBatchCount: number;
  readonly sizes: readonly number[];
  readonly layouts: readonly Layout[];
  /** Only periods below this are sought: an infeasible model proves none is. */
  readonly cutoffUs: number;
  /** Turns solver column values into a schedule. */
  decode(values: readonly number[]): Schedule;
}

/**
 * @param cutoffUs only schedules with a layer period below this are sought (the sequential one, or
 *   the best plan found so far); it also bounds the big-M constants.
 */
export interface FormulationOptions {
  /** Let ops run alone on the whole GPU; without it every op stays in its partition (a smaller MILP). */
  allowWholeGpu: boolean;
}

export function formulatePipeline(
  problem: ScheduleProblem,
  nanoBatchCount: number,
  cutoffUs: number,
  options: FormulationOptions = { allowWholeGpu: true },
): PipelineFormulation | undefined {
  const K = nanoBatchCount;
  const sizes = nanoBatchSizes(problem.granules, K);
  const layouts = candidateLayouts(problem);
  if (K < 2 || !sizes || layouts.length === 0) return undefined;
  if (!(cutoffUs > 0)) throw new Error(`cutoff must be positive, got ${cutoffUs}`);
  const size = sizes[0]!;
  const maxP = cutoffUs / K;
  const horizon = K * maxP;
  const model = new MilpModel();

  const P = model.addVariable("P", "continuous", 0, maxP);
  model.minimize([[P, 1]]);

  const lambda = layouts.map((l) => model.addVariable(`lambda_c${l.compute}_m${l.memory}_n${l.network}`, "binary"));
  model.addEqual("one_layout", lambda.map((v) => [v, 1] as const), 1);

  const wholeGpuUs = problem.groups.map((_, g) => problem.durationUs(g, size, problem.sms));
  const placements = problem.groups.map((group, g) => {
    const name = `${group.id}`;
    const wholeGpu = model.addVariable(`omega_${name}`, "binary", 0, options.allowWholeGpu ? 1 : 0);
    // zeta[L] = lambda[L] * (1 - omega): exact once lambda and omega are integral.
    const zeta = layouts.map((_, L) => model.addVariable(`zeta_${name}_${L}`, "continuous", 0, 1));
    zeta.forEach((z, L) => model.addAtMost(`zeta_le_lambda_${name}_${L}`, [[z, 1], [lambda[L]!, -1]], 0));
    model.addEqual(`zeta_sum_${name}`, [...zeta.map((z) => [z, 1] as const), [wholeGpu, 1]], 1);
    return { group: g, name, stream: group.stream, wholeGpu, zeta };
  });
  const ops = placements.map((op): ChainOp => {
    const { group: g, name, wholeGpu, zeta } = op;
    const whole = wholeGpuUs[g]!;
    const partitioned = layouts.map((l) => problem.durationUs(g, size, l[op.stream], { split: l, splitGroups: [g] }));
    const beside = besideTerms(model, problem, size, layouts, partitioned, op, placements);
    const longest = layouts.map((_, L) => partitioned[L]! + beside.filter((t) => t.layout === L).reduce((sum, t) => sum + t.us, 0));
    const duration = model.addVariable(`d_${name}`, "continuous", 0, Math.max(whole, ...longest));
    model.addEqual(
      `d_def_${name}`,
      [[duration, 1], [wholeGpu, -whole], ...zeta.map((z, L) => [z, -partitioned[L]!] as const), ...beside.map((t) => [t.both, -t.us] as const)],
      0,
    );
    const start = model.addVariable(`T_${name}`, "continuous", 0, g === 0 ? 0 : horizon);
    // A stream runs every nano-batch's copy of this op within each P.
    model.addAtMost(`fits_interval_${name}`, [[duration, 1], [P, -1]], 0);
    return { ...op, duration, start };
  });

  const switches = laneSwitchTerms(model, problem.laneSwitch);
  for (const { from, to } of problem.edges) {
    const u = ops[from]!;
    const v = ops[to]!;
    // T_v >= T_u + d_u + the cost of the switch between their lanes
    model.addAtLeast(`dep_${u.name}_${v.name}`, [[v.start, 1], [u.start, -1], [u.duration, -1], ...minus(switches.edge(u, v))], 0);
  }
  // The chain's next layer starts K·P later, once its last op of this layer has ended.
  const first = ops[0]!;
  const last = ops[ops.length - 1]!;
  model.addAtMost("next_layer", [[last.start, 1], [last.duration, 1], [P, -K], ...switches.edge(last, first)], 0);

  // Valid inequalities that tighten the relaxation: within each P a stream runs its own ops and
  // waits out every other stream's whole-GPU op.
  for (const stream of new Set(ops.map((o) => o.stream))) {
    model.addAtMost(
      `stream_load_${stream}`,
      [
        ...ops.filter((o) => o.stream === stream).map((o) => [o.duration, 1] as const),
        ...ops.filter((o) => o.stream !== stream).map((o) => [o.wholeGpu, wholeGpuUs[o.group]!] as const),
        [P, -1],
      ],
      0,
    );
  }

  // |T_u - T_v| <= K·P, |kP| <= K·P, d <= P, a switch: both disjointness rows stay below this when relaxed.
  const bigM = (2 * K + 1) * maxP + (problem.laneSwitch?.wholeGpuUs ?? 0);
  for (let a = 0; a < ops.length; a++) {
    for (let b = a + 1; b < ops.length; b++) {
      const u = ops[a]!;
      const v = ops[b]!;
      if (u.stream === v.stream || options.allowWholeGpu) {
        addDisjointModulo(model, u, v, P, K, maxP, bigM, reaches(problem, u.group, v.group), switches.wholeGpuSwitch(u, v));
      }
    }
  }

  return {
    model,
    nanoBatchCount: K,
    sizes,
    layouts,
    cutoffUs,
    decode: (values) => decodeSchedule(problem, K, sizes, layouts, lambda, ops, P, values),
  };
}

/**
 * u and every copy of v (one per nano-batch, P apart) must not overlap: some copy of v starts after
 * u ends and ends before u's next copy starts. Ops on one stream always obey this; ops on different
 * streams only when one of them runs on the whole GPU (rho = 1).
 */
function addDisjointModulo(
  model: MilpModel,
  u: ChainOp,
  v: ChainOp,
  P: Variable,
  K: number,
  maxP: number,
  bigM: number,
  vFollowsU: boolean,
  wholeGpuSwitch: [Variable, number][],
): void {
  const pair = `${u.name}_${v.name}`;
  let relax: [Variable, number][] = [];
  let slack = 0;
  if (u.stream !== v.stream) {
    const rho = model.addVariable(`rho_${pair}`, "continuous", 0, 1);
    model.addAtLeast(`rho_u_${pair}`, [[rho, 1], [u.wholeGpu, -1]], 0);
    model.addAtLeast(`rho_v_${pair}`, [[rho, 1], [v.wholeGpu, -1]], 0);
    relax = [[rho, bigM]];
    slack = bigM;
  }
  // kP = sum over k of k * pi_k, pi_k = beta_k * P (McCormick, exact for binary beta).
  // Every T lies in [0, K·P]. When v follows u in the chain, T_v >= T_u + d_u, which leaves
  // kP < P: k in [-K, 0]; otherwise k in [-K, K + 1].
  const windings = vFollowsU ? range(-K, 0) : range(-K, K + 1);
  const beta = windings.map((k) => model.addVariable(`beta_${pair}_${k < 0 ? `m${-k}` : k}`, "binary"));
  model.addEqual(`one_winding_${pair}`, beta.map((x) => [x, 1] as const), 1);
  const kP: [Variable, number][] = [];
  windings.forEach((k, j) => {
    const pi = model.addVariable(`pi_${pair}_${k < 0 ? `m${-k}` : k}`, "continuous", 0, maxP);
    model.addAtMost(`pi_le_beta_${pair}_${j}`, [[pi, 1], [beta[j]!, -maxP]], 0);
    model.addAtMost(`pi_le_P_${pair}_${j}`, [[pi, 1], [P, -1]], 0);
    model.addAtLeast(`pi_ge_${pair}_${j}`, [[pi, 1], [P, -1], [beta[j]!, -maxP]], -maxP);
    if (k !== 0) kP.push([pi, k]);
  });
  // The runtime orders the op alone on the whole GPU after its neighbours on the other lanes, and
  // them after it: each way a switch between the split and the whole GPU.
  // T_u + d_u + switch <= T_v + kP   (+ bigM (1 - rho) across streams)
  model.addAtMost(`after_${pair}`, [[u.start, 1], [u.duration, 1], [v.start, -1], ...minus(kP), ...relax, ...wholeGpuSwitch], slack);
  // T_v + kP + d_v + switch <= T_u + P   (+ bigM (1 - rho) across streams)
  model.addAtMost(`before_${pair}`, [[v.start, 1], ...kP, [v.duration, 1], [u.start, -1], [P, -1], ...relax, ...wholeGpuSwitch], slack);
}

/**
 * What `op` takes beyond its time in the split (`partitioned[L]`, alone there) for each other group
 * that runs in the split with it (ScheduleProblem.durationUs, splitGroups: attention beside
 * element-wise kernels): for each such group and layout L, `us` counted where
 * both = zeta_op[L] * zeta_other[L] is 1 (exact for binary zetas).
 */
function besideTerms(
  model: MilpModel,
  problem: ScheduleProblem,
  size: number,
  layouts: readonly Layout[],
  partitioned: readonly number[],
  op: Omit<ChainOp, "duration" | "start">,
  placements: readonly Omit<ChainOp, "duration" | "start">[],
): { layout: number; both: Variable; us: number }[] {
  const terms: { layout: number; both: Variable; us: number }[] = [];
  for (const other of placements) {
    if (other.group === op.group) continue;
    layouts.forEach((l, L) => {
      const us = problem.durationUs(op.group, size, l[op.stream], { split: l, splitGroups: [op.group, other.group] }) - partitioned[L]!;
      if (!(us > 1e-9)) return;
      const both = model.addVariable(`both_${op.name}_${other.name}_${L}`, "continuous", 0, 1);
      model.addAtMost(`both_le_${op.name}_${other.name}_${L}`, [[both, 1], [op.zeta[L]!, -1]], 0);
      model.addAtMost(`both_le_${other.name}_${op.name}_${L}`, [[both, 1], [other.zeta[L]!, -1]], 0);
      model.addAtLeast(`both_ge_${op.name}_${other.name}_${L}`, [[both, 1], [op.zeta[L]!, -1], [other.zeta[L]!, -1]], -1);
      terms.push({ layout: L, both, us });
    });
  }
  return terms;
}

function minus(e: readonly (readonly [Variable, number])[]): [Variable, number][] {
  return e.map(([x, c]) => [x, -c]);
}

interface LaneSwitchTerms {
  /** Terms summing to the switch cost of dependency u → v (LaneSwitchCosts), in microseconds. */
  edge(u: ChainOp, v: ChainOp): [Variable, number][];
  /** Terms summing to the whole-GPU switch between u and v: when exactly one of them runs alone. */
  wholeGpuSwitch(u: ChainOp, v: ChainOp): [Variable, number][];
}

/**
 * Switch costs as linear terms in auxiliary variables that each sit at a lower bound: they only
 * lengthen the rows they appear in, so the minimum of P keeps them there.
 *   chi_uv >= |omega_u - omega_v|: exactly one of u, v runs alone (cost wholeGpuUs);
 *   sigma_uv >= 1 - omega_u - omega_v: both in partitions of different streams (cost crossLaneUs).
 */
function laneSwitchTerms(model: MilpModel, costs: LaneSwitchCosts | undefined): LaneSwitchTerms {
  const chis = new Map<string, Variable>();
  const chi = (u: ChainOp, v: ChainOp): Variable => {
    const [a, b] = u.group < v.group ? [u, v] : [v, u];
    const key = `${a.name}_${b.name}`;
    let x = chis.get(key);
    if (!x) {
      x = model.addVariable(`chi_${key}`, "continuous", 0, 1);
      model.addAtLeast(`chi_ab_${key}`, [[x, 1], [a.wholeGpu, -1], [b.wholeGpu, 1]], 0);
      model.addAtLeast(`chi_ba_${key}`, [[x, 1], [b.wholeGpu, -1], [a.wholeGpu, 1]], 0);
      chis.set(key, x);
    }
    return x;
  };
  const wholeGpuSwitch = (u: ChainOp, v: ChainOp): [Variable, number][] => (costs && costs.wholeGpuUs > 0 ? [[chi(u, v), costs.wholeGpuUs]] : []);
  return {
    wholeGpuSwitch,
    edge: (u, v) => {
      const terms = wholeGpuSwitch(u, v);
      if (costs && costs.crossLaneUs > 0 && u.stream !== v.stream) {
        const sigma = model.addVariable(`sigma_${u.name}_${v.name}`, "continuous", 0, 1);
        model.addAtLeast(`sigma_ge_${u.name}_${v.name}`, [[sigma, 1], [u.wholeGpu, 1], [v.wholeGpu, 1]], 1);
        terms.push([sigma, costs.crossLaneUs]);
      }
      return terms;
    },
  };
}

/** Whether a chain of dependencies leads from group `from` to group `to`. */
function reaches(problem: ScheduleProblem, from: number, to: number): boolean {
  const seen = new Set<number>();
  const stack = [from];
  while (stack.length > 0) {
    const g = stack.pop()!;
    if (g === to) return true;
    for (const e of problem.edges) {
      if (e.from === g && !seen.has(e.to)) {
        seen.add(e.to);
        stack.push(e.to);
      }
    }
  }
  return false;
}

function decodeSchedule(
  problem: ScheduleProblem,
  K: number,
  sizes: readonly number[],
  layouts: readonly Layout[],
  lambda: readonly Variable[],
  ops: readonly ChainOp[],
  P: Variable,
  values: readonly number[],
): Schedule {
  const on = (v: Variable): boolean => (values[v.index] ?? 0) > 0.5;
  const layoutIndex = lambda.findIndex(on);
  if (layoutIndex < 0) throw new Error("solution chooses no layout");
  const layout = layouts[layoutIndex]!;
  const interval = values[P.index] ?? NaN;
  const operations: ScheduledOperation[] = [];
  const splitGroups = ops.filter((op) => !on(op.wholeGpu)).map((op) => op.group);
  for (let i = 0; i < K; i++) {
    for (const op of ops) {
      const wholeGpu = on(op.wholeGpu);
      const sms = wholeGpu ? problem.sms : layout[op.stream];
      operations.push({
        group: op.group,
        nanoBatch: i,
        sms,
        wholeGpu,
        startUs: (values[op.start.index] ?? 0) + i * interval,
        durationUs: problem.durationUs(op.group, sizes[i]!, sms, wholeGpu ? {} : { split: layout, splitGroups }),
      });
    }
  }
  return { nanoBatchCount: K, sizes, layout, periodUs: K * interval, operations };
}

function range(from: number, to: number): number[] {
  const out: number[] = [];
  for (let x = from; x <= to; x++) out.push(x);
  return out;
}
