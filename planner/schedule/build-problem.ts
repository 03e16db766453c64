/**
 * Turns a layer's operation graph and a cost model into the scheduling problem: each group's time
 * on a nano-batch of a given size and SM count, slowed by the profile's interference factors when
 * it runs in a partition beside other work. Where three kinds run together (GEMM, attention and
 * all-reduce), the measured pairs' factors multiply. Attention runs longer still for the element-wise
 * kernels that share the split with it, beside which it slows far more than beside a GEMM.
 */
import type { GpuSpec } from "../config/index.js";
import type { DenseBatch } from "../model/dense-batch.js";
import { tokenCounts, type LayerGraph } from "../model/layer-graph.js";
import type { CostModel } from "../profile/cost-model.js";
import type { Layout, Placement, ScheduleProblem } from "./problem.js";

/** NCCL's default limit on CTAs, so a network partition larger than this buys nothing. */
const MAX_NETWORK_SMS = 32;

/** The problem of a layer graph, which also knows each kernel's share of a group's time. */
export interface LayerScheduleProblem extends ScheduleProblem {
  /** The time of each kernel of group `group`, in order, interference included; durationUs is their sum, floored at a microsecond. */
  kernelDurationsUs(group: number, sizeGranules: number, sms: number, placement?: Placement): number[];
}

export function buildScheduleProblem(graph: LayerGraph, batch: DenseBatch, cost: CostModel, gpu: GpuSpec): LayerScheduleProblem {
  const sms = gpu.sms;
  const step = Math.max(gpu.partition.granularity, gpu.partition.min);
  const multiples = (min: number, max: number): number[] => {
    const out: number[] = [];
    for (let s = gpu.partition.min; s <= max; s += step) if (s >= min) out.push(s);
    return out;
  };
  const hasMemory = graph.groups.some((g) => g.stream === "memory");
  const hasNetwork = graph.groups.some((g) => g.stream === "network");
  const cache = new Map<string, { kernelsUs: number[]; totalUs: number }>();
  let sequentialGemmRatio: number | undefined;
  /**
   * A sequential layer's all-reduces draw little, so its whole-GPU GEMMs run at higher clocks than
   * the one-GPU loop's, the more so the larger the all-reduces' share of the layer (timed, for the
   * share, as that loop times its kernels).
   */
  const sequentialWholeGpuGemmRatio = (): number => {
    if (sequentialGemmRatio === undefined) {
      const tokens = tokenCounts(batch, batch.tokens);
      const groupUs = graph.groups.map((group) => group.kernels.reduce((sum, kernel) => sum + kernel.timeUs(tokens, sms), 0));
      const networkUs = groupUs.filter((_, g) => graph.groups[g]!.stream === "network").reduce((sum, us) => sum + us, 0);
      const totalUs = groupUs.reduce((sum, us) => sum + us, 0);
      sequentialGemmRatio = cost.sequentialWholeGpuGemmRatio(totalUs > 0 ? networkUs / totalUs : 0);
    }
    return sequentialGemmRatio;
  };

  /** Each kernel's time on these SMs, interference included, and the group's (their sum, floored). */
  const groupTimes = (group: number, sizeGranules: number, groupSms: number, { sequential = false, split, splitGroups = [] }: Placement = {}): { kernelsUs: number[]; totalUs: number } => {
    const spec = graph.groups[group]!;
    // A compute group's factors depend on its partners' partitions; a memory group's time on the
    // compute partition and the compute groups beside it.
    const partners =
      spec.stream === "compute" ? `${split?.memory}/${split?.network}` : spec.stream === "memory" ? `${split?.compute}/${computeGroupsOf(splitGroups).join(",")}` : "";
    const key = `${group}/${sizeGranules}/${groupSms}/${sequential}/${partners}`;
    const cached = cache.get(key);
    if (cached !== undefined) return cached;
    const rows = sizeGranules * batch.granule;
    const tokens = tokenCounts(batch, rows);
    // A kernel confined to a partition shares memory bandwidth and L2 with the other partitions.
    // How much depends on the GEMMs' rows, the fewer the more bandwidth they draw: a nano-batch's
    // attention co-runs with other nano-batches' GEMMs, of its size in a plan's even cut. A GEMM's
    // factors are read at its partners' SMs where the split is known: beside both attention and an
    // all-reduce, its own SMs would read each pair as if the other partner's SMs were the first's.
    let computeFactor = { gemm: 1, elementwise: 1 };
    let factor = 1;
    if (groupSms < sms) {
      if (spec.stream === "compute") {
        const beside = [
          ...(hasMemory ? [cost.besidePartner("attention", groupSms, rows, split?.memory)] : []),
          ...(hasNetwork ? [cost.besidePartner("allReduce", groupSms, rows, split?.network)] : []),
        ];
        computeFactor = {
          gemm: beside.reduce((product, f) => product * f.gemmFactor, 1),
          elementwise: beside.reduce((product, f) => product * f.elementwiseFactor, 1),
        };
      } else if (spec.stream === "memory") {
        factor = cost.partnerBesideGemm("attention", groupSms, rows);
        if (hasNetwork) factor *= cost.attentionBesideAllReduceFactor();
      } else {
        factor = cost.partnerBesideGemm("allReduce", groupSms, rows);
        if (hasMemory) factor *= cost.allReduceBesideAttentionFactor(groupSms);
      }
    }
    // A GEMM alone on the whole GPU between a pipeline's co-running phases runs hotter than in the
    // one-GPU sequential loop, and between a sequential layer's all-reduces cooler.
    const wholeGpuGemm = groupSms < sms ? 1 : sequential ? sequentialWholeGpuGemmRatio() : cost.pipelinedWholeGpuGemmRatio();
    const alone = spec.kernels.map((kernel) => kernel.timeUs(tokens, groupSms));
    const factors = spec.kernels.map(
      (kernel) => (kernel.elementwise ? computeFactor.elementwise : computeFactor.gemm) * factor * (kernel.kind.endsWith("_gemm") ? wholeGpuGemm : 1),
    );
    // Kernels that share a factor are summed before it multiplies: (sum alone) x factor, the number
    // the MILP got before element-wise kernels had a factor of their own, so such profiles plan as before.
    let totalUs = 0;
    for (const f of new Set(factors)) totalUs += alone.filter((_, k) => factors[k] === f).reduce((sum, time) => sum + time, 0) * f;
    const stretchUs = spec.stream === "memory" && split && groupSms < sms ? elementwiseStretchUs(sizeGranules, split, splitGroups, factor) : 0;
    const stretch = totalUs > 0 ? (totalUs + stretchUs) / totalUs : 1;
    // Floors at a microsecond so an empty group (no decode rows in a nano-batch) still orders.
    const times = { kernelsUs: alone.map((time, k) => time * factors[k]! * stretch), totalUs: Math.max(1, totalUs + stretchUs) };
    cache.set(key, times);
    return times;
  };
  const computeGroupsOf = (groups: readonly number[]): number[] => [...new Set(groups)].filter((g) => graph.groups[g]!.stream === "compute").sort((a, b) => a - b);
  /**
   * How much longer attention in `split` runs for the element-wise kernels of the compute groups of
   * `splitGroups`, which run beside it in the split once a nano-batch. Beside them attention slows
   * by the measured element-wise factor, not `factor` (its slowdown beside GEMMs): over its run
   * (time - E) / factor + E / elementwise = its time alone, so it takes E·(1 - factor/elementwise)
   * more. (Where attention is the pipeline's bottleneck every such kernel runs beside one of its
   * copies.) E is the kernels' time alone: in plans' traces they ran about that long beside
   * attention (0.6-0.9x what their own factor beside it predicts: they read what the kernel before
   * them wrote, still in L2, where the profile's RMSNorm reads memory).
   */
  const elementwiseStretchUs = (sizeGranules: number, split: Layout, splitGroups: readonly number[], factor: number): number => {
    const besideElementwise = cost.partnerBesideElementwise("attention", split.memory);
    if (besideElementwise === undefined || besideElementwise <= factor) return 0;
    const tokens = tokenCounts(batch, sizeGranules * batch.granule);
    const elementwiseUs = computeGroupsOf(splitGroups)
      .flatMap((g) => graph.groups[g]!.kernels.filter((kernel) => kernel.elementwise))
      .reduce((sum, kernel) => sum + kernel.timeUs(tokens, split.compute), 0);
    return elementwiseUs * (1 - factor / besideElementwise);
  };

  return {
    sms,
    granules: batch.tokens / batch.granule,
    groups: graph.groups.map((g) => ({ id: g.id, stream: g.stream })),
    edges: graph.edges,
    // Compute keeps at least half the GPU, and the largest group a split grants is all SMs but one unit.
    partitionShares: { compute: multiples(sms / 2, sms - step), network: hasNetwork ? multiples(0, MAX_NETWORK_SMS) : [] },
    minRemainderSms: gpu.partition.min,
    durationUs: (group, sizeGranules, groupSms, placement) => groupTimes(group, sizeGranules, groupSms, placement).totalUs,
    // A split has a partition per stream present: compute, and memory and network where the layer has them.
    laneSwitch: cost.laneSwitchCosts(1 + Number(hasMemory) + Number(hasNetwork)),
    kernelDurationsUs: (group, sizeGranules, groupSms, placement) => groupTimes(group, sizeGranules, groupSms, placement).kernelsUs,
  };
}
