/**
 * Work to time: one stream per GPU it runs on, queued one repetition at a time (to probe its
 * length) or many at once. Kernel and cuBLAS work is captured into a CUDA graph per stream, so its
 * repetitions replay back to back with no launch gaps; NCCL work is queued op by op from the host.
 */
import type { CudaGraph, Stream } from "../../../runtime/gpu/index.js";

export interface PreparedWork {
  /** Queues every prepared repetition on the streams. */
  queue(): void;
  /** True when queue() issues op by op from the host, so timing holds the streams at a gate meanwhile. */
  readonly hostPaced: boolean;
  dispose(): void;
}

export interface Workload {
  /** Rank order: the first stream's GPU is the one single-GPU tables describe. */
  readonly streams: readonly Stream[];
  /** Repetitions that rotate through separate inputs so that none finds its data in L2; time with at least this many. */
  readonly rotation: number;
  queueOne(rep: number): void;
  prepare(reps: number): PreparedWork;
}

/** `enqueue(rank, rep)` queues repetition `rep` on streams[rank]. */
export function graphWorkload(streams: readonly Stream[], enqueue: (rank: number, rep: number) => void, rotation = 1): Workload {
  return {
    streams,
    rotation,
    queueOne: (rep) => streams.forEach((_, rank) => enqueue(rank, rep)),
    prepare: (reps) => {
      const graphs = streams.map((stream, rank) => capture(stream, () => {
        for (let rep = 0; rep < reps; rep++) enqueue(rank, rep);
      }));
      return {
        hostPaced: false,
        queue: () => graphs.forEach((graph, rank) => graph.launch(streams[rank]!)),
        dispose: () => graphs.forEach((graph) => graph.dispose()),
      };
    },
  };
}

/** `enqueue(rep)` queues one repetition on all the streams at once (one NCCL group call). */
export function hostPacedWorkload(streams: readonly Stream[], enqueue: (rep: number) => void): Workload {
  return {
    streams,
    rotation: 1,
    queueOne: enqueue,
    prepare: (reps) => ({
      hostPaced: true,
      queue: () => {
        for (let rep = 0; rep < reps; rep++) enqueue(rep);
      },
      dispose: () => {},
    }),
  };
}

function capture(stream: Stream, record: () => void): CudaGraph {
  stream.beginCapture("thread-local");
  try {
    record();
  } catch (error) {
    stream.endCapture().dispose();
    throw error;
  }
  return stream.endCapture();
}
