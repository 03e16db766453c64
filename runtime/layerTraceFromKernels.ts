/**
 * A layer's ops as they ran inside the iteration's CUDA graph, read from the kernels CUPTI recorded
 * (runtime/gpu/kernelActivity.ts). At capture the runtime counts the graph's kernel nodes before and
 * after each traced op, on each rank; CUPTI's graph node ids grow in the order the nodes were
 * captured, so the k-th smallest id a GPU reports is the k-th kernel captured on it. An op's time in
 * one launch of the graph is its first kernel's start to its last kernel's end.
 */
import type { RecordedKernel } from "./gpu/kernelActivity.js";
import type { LayerTrace, TracedOperation } from "./coRunTrace.js";
import { median } from "../planner/median.js";

/** A traced op and, per rank, its kernels: [first, end) among that rank's graph's kernel nodes in capture order. */
export interface CapturedOperation {
  id: string;
  lane: string;
  kernels: ReadonlyArray<readonly [number, number]>;
}

/** What capturing one graph per rank recorded: each rank's device, its graph's kernel nodes, the traced ops. */
export interface CapturedKernels {
  devices: readonly number[];
  kernelNodes: readonly number[];
  operations: readonly CapturedOperation[];
}

/**
 * The traced ops in each of `launches` launches of the graphs after the first `skipped` (warm-up),
 * each op's start, duration, and start and duration per rank the median over them; starts from rank
 * 0's first kernel of each launch (CUPTI puts every GPU's kernels on one clock).
 */
export function layerTraceFromKernels(captured: CapturedKernels, kernels: readonly RecordedKernel[], launches: number, skipped: number): LayerTrace {
  if (!(skipped >= 0 && skipped < launches)) throw new RangeError(`Expected fewer skipped launches (${skipped}) than launches (${launches})`);
  const nodes = captured.devices.map((device, rank) => kernelsByNode(kernels, device, captured.kernelNodes[rank]!, launches));
  const samples: TracedOperation[][] = [];
  for (let launch = skipped; launch < launches; launch++) {
    const origin = Math.min(...nodes[0]!.map((runs) => runs[launch]!.startUs));
    samples.push(captured.operations.map((op) => {
      const span = (rank: number) => {
        const [first, end] = op.kernels[rank]!;
        if (end <= first) throw new Error(`Op ${op.id} captured no kernel on rank ${rank}`);
        const runs = nodes[rank]!.slice(first, end).map((node) => node[launch]!);
        return { startUs: Math.min(...runs.map((run) => run.startUs)), endUs: Math.max(...runs.map((run) => run.endUs)), names: runs.map((run) => run.name) };
      };
      const spans = op.kernels.map((_, rank) => span(rank));
      return {
        id: op.id,
        lane: op.lane,
        rankStartUs: spans.map(({ startUs }) => startUs - origin),
        rankUs: spans.map(({ startUs, endUs }) => endUs - startUs),
        kernels: spans[0]!.names,
      };
    }));
  }
  return { operations: medianOperations(samples) };
}

/** A device's graph kernels in capture order, each with its `launches` runs in time order. */
function kernelsByNode(kernels: readonly RecordedKernel[], device: number, expectedNodes: number, launches: number): RecordedKernel[][] {
  const byNode = new Map<bigint, RecordedKernel[]>();
  for (const kernel of kernels) {
    if (kernel.device !== device || kernel.graphNode === 0n) continue;
    const runs = byNode.get(kernel.graphNode);
    if (runs) runs.push(kernel);
    else byNode.set(kernel.graphNode, [kernel]);
  }
  if (byNode.size !== expectedNodes) {
    throw new Error(`CUPTI recorded kernels of ${byNode.size} graph nodes on GPU ${device}, but its captured graph has ${expectedNodes} kernel nodes: the trace cannot tell which kernel is which op`);
  }
  const ordered = [...byNode.entries()].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  return ordered.map(([node, runs]) => {
    if (runs.length !== launches) throw new Error(`CUPTI recorded graph node ${node} on GPU ${device} ${runs.length} times, not once for each of ${launches} launches`);
    return runs.sort((a, b) => a.startUs - b.startUs);
  });
}

/** Each op's median start and duration on each rank over samples of the same ops in the same order. */
function medianOperations(samples: readonly TracedOperation[][]): TracedOperation[] {
  return samples[0]!.map((op, index) => {
    const of = (value: (traced: TracedOperation) => number) => median(samples.map((sample) => value(sample[index]!)));
    return {
      ...op,
      rankStartUs: op.rankStartUs.map((_, rank) => of((traced) => traced.rankStartUs[rank]!)),
      rankUs: op.rankUs.map((_, rank) => of((traced) => traced.rankUs[rank]!)),
    };
  });
}
