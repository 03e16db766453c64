/**
 * One GPU's part of the runtime, one per tensor-parallel rank: its shard of the weights, its KV
 * cache (its KV heads), its activation buffers, its compiled kernels and its plan partitions.
 */
import type { Plan } from "../../planner/plan/schema.js";
import type { Gpu } from "../gpu/index.js";
import { ModelKernels } from "../kernels/modelKernels.js";
import { PagedKvCache, type KvCacheLayout } from "../kvCache.js";
import type { ModelShape } from "../model/modelShape.js";
import { realVocabRows, vocabBegin, type VocabSplit } from "../model/vocabSplit.js";
import type { WeightSource } from "../weights/weightSource.js";
import { disposeInReverse, own } from "../owned.js";
import { Activations } from "./activations.js";
import { DeviceWeights } from "./deviceWeights.js";
import { PlanPartitions } from "./lanes.js";
import type { ModelState } from "./launchOperation.js";

export class RankEngine {
  private constructor(
    readonly rank: number,
    readonly gpu: Gpu,
    readonly state: ModelState,
    /** First vocabulary row of this rank's embedding and LM-head shard. */
    readonly vocabOffset: number,
    /** The split's green-context partitions, made where the planned mode runs. */
    readonly partitions: PlanPartitions | undefined,
    private readonly owned: { dispose(): void }[],
  ) {}

  static async create(rank: number, gpu: Gpu, plan: Plan, planName: string, shape: ModelShape, vocab: VocabSplit, weights: WeightSource, layout: KvCacheLayout, withPartitions: boolean): Promise<RankEngine> {
    const owned: { dispose(): void }[] = [];
    try {
      const kernels = own(owned, await ModelKernels.compile(gpu));
      const deviceWeights = own(owned, await DeviceWeights.load(gpu, shape, weights));
      const cache = own(owned, new PagedKvCache(gpu, shape, layout));
      const buffers = own(owned, new Activations(gpu, shape, plan.batch.tokens, layout));
      const partitions = withPartitions ? await PlanPartitions.create(gpu, plan, planName) : undefined;
      if (partitions) owned.push(partitions);
      const state = { shape, vocabRows: realVocabRows(vocab, rank), addsResidual: rank === 0, kernels, weights: deviceWeights, cache, buffers };
      return new RankEngine(rank, gpu, state, vocabBegin(vocab, rank), partitions, owned);
    } catch (error) {
      disposeInReverse(owned);
      throw error;
    }
  }

  /** Step inputs; token ids shifted into this rank's vocabulary shard (others embed as zero rows). */
  upload(inputs: { tokens: Int32Array; positions: Int32Array; contextLens: Int32Array; pageTable: Int32Array }): void {
    const b = this.state.buffers;
    b.tokens.upload(this.vocabOffset === 0 ? inputs.tokens : inputs.tokens.map((token) => token - this.vocabOffset));
    b.positions.upload(inputs.positions);
    b.contextLens.upload(inputs.contextLens);
    b.pageTable.upload(inputs.pageTable);
  }

  /** Frees the GPU memory; the GPU itself is the runtime's. */
  dispose(): void {
    disposeInReverse(this.owned);
  }
}
