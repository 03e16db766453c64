/**
 * The planner end to end: resolve the model, GPU and workload, shard the model, size the dense
 * batch, load (or derive) the profile, build the layer's operation graph, search for the best
 * schedule and assemble the plan file.
 */
import { DEFAULT_GPU, DEFAULT_WORKLOAD, resolveGpu, resolveModel, resolveWorkload, type ResolvedModel } from "../config/index.js";
import { InputError } from "../errors.js";
import type { SolverBackendName } from "../milp/solution.js";
import { sizeDenseBatch, type DenseBatch } from "../model/dense-batch.js";
import type { AllReduceMethod } from "../model/all-reduce-method.js";
import { buildLayerGraph, profiledGemmShapes, type LayerGraph } from "../model/layer-graph.js";
import { shardModel } from "../model/shard.js";
import { CostModel } from "../profile/cost-model.js";
import { loadProfileFor } from "../profile/load.js";
import { buildScheduleProblem } from "../schedule/build-problem.js";
import { searchSchedule } from "../schedule/search.js";
import { NANOWEAVE_VERSION } from "../version.js";
import { candidateBatches, planBestBatch } from "./batch-candidates.js";
import { buildPlan, edgeKernelTimes } from "./build-plan.js";
import type { Plan } from "./schema.js";

export interface PlanRequest {
  model: string;
  gpus: number;
  gpu?: string | undefined;
  workload?: string | undefined;
  /** Tokens; auto: the largest whose KV cache fits; best: the candidate size that fits with the most predicted tokens/s (batch-candidates.ts). */
  batch: number | "auto" | "best";
  granule: number;
  profile?: string | undefined;
  solver: SolverBackendName;
  timeLimitSeconds: number;
  relativeGap: number;
  maxNanoBatches: number;
  /** Exactly this many nano-batches instead of the best count. */
  nanoBatches?: number | undefined;
  /** false: plan one GPU's shard without its all-reduces (to measure a shard on one GPU). */
  allReduce?: boolean | undefined;
  /** How the all-reduces are summed (default nccl); the profile must have measured it. */
  allReduceMethod?: AllReduceMethod | undefined;
  /** Plan the model cut to this many layers (benchmarks that run a few layers of a big model). */
  layers?: number | undefined;
  onProgress?: (message: string) => void;
}

export async function makePlan(request: PlanRequest): Promise<Plan> {
  const resolved = await resolveModel(request.model);
  const model = request.layers === undefined ? resolved : withLayers(resolved, request.layers);
  const gpu = await resolveGpu(request.gpu ?? DEFAULT_GPU);
  const workload = await resolveWorkload(request.workload ?? DEFAULT_WORKLOAD);
  const shard = shardModel(model, request.gpus);
  const largest = sizeDenseBatch(shard, gpu, workload, { batch: typeof request.batch === "number" ? request.batch : "largest", granule: request.granule });
  const profile = await loadProfileFor(gpu, {
    profilePath: request.profile,
    analytic: {
      gemmShapes: profiledGemmShapes(shard),
      attention: [{ headDim: shard.headDim, groupSize: shard.qHeads / shard.kvHeads, kvHeads: shard.kvHeads }],
      allReduceGpus: [2, 4, 8, request.gpus],
      toolVersion: NANOWEAVE_VERSION,
    },
  });
  // A forced nano-batch count is an experiment on the batch asked for: best is then the largest.
  const searchesBatch = request.batch === "best" && request.nanoBatches === undefined;
  const sizes = searchesBatch ? candidateBatches(largest.tokens, request.granule, request.maxNanoBatches) : [largest.tokens];
  request.onProgress?.(
    `planning ${model.name} on ${request.gpus} x ${gpu.name}: dense batch ${sizes.length > 1 ? `of ${sizes.join(", ")} tokens (the most tokens/s)` : `${largest.tokens} tokens`}, ` +
      `${profile.profile.source} profile${profile.name ? ` ${profile.name}` : ""}`,
  );
  const allReduce = request.allReduce ?? true;
  const allReduceMethod = request.allReduceMethod ?? "nccl";
  const communicates = allReduce && shard.tensorParallel > 1;
  if (allReduceMethod === "peer" && communicates && !profile.profile.peerAllReduce) {
    // The shipped profile is not the user's to overwrite: they merge into a copy of it and plan from that.
    const measure = profile.path === undefined
      ? "`nanoweave profile --devices 0,1,2,3`, which measures it with the rest"
      : profile.name === profile.path
        ? `\`nanoweave profile --devices 0,1,2,3 --only peer-allreduce --merge --out ${profile.path}\``
        : `\`cp ${profile.path} ${gpu.id}.json && nanoweave profile --devices 0,1,2,3 --only peer-allreduce --merge --out ${gpu.id}.json\`, then plan with --profile ${gpu.id}.json`;
    throw new InputError(
      `--all-reduce-method peer: ${profile.name ?? `the profile derived from ${gpu.name}'s specs`} has no peer all-reduce measurements (peerAllReduce); ` +
        `measure them on 2 or more of these GPUs with ${measure}, or plan with --all-reduce-method nccl`,
      "--all-reduce-method",
    );
  }
  const cost = new CostModel(profile.profile, communicates ? allReduceMethod : "nccl");

  // The cost model notes what it approximated as it prices the ops, so these are read after a search.
  const planNotes = (): string[] => {
    // What a measured profile could not measure (e.g. all-reduce on a one-GPU machine) is analytic.
    const unmeasured = profile.profile.source === "measured" ? profile.profile.provenance.notes.filter((n) => /^[\w.]+: analytic, not measured/.test(n)) : [];
    const notes = [...unmeasured.map((n) => `profile: ${n}`), ...cost.notes];
    if (request.layers !== undefined) notes.unshift(`${resolved.name} cut to ${request.layers} of its ${resolved.numLayers} layers`);
    if (!allReduce && shard.tensorParallel > 1) notes.unshift(`one GPU's shard of a ${shard.tensorParallel}-GPU model, planned without its all-reduces`);
    if (profile.profile.source === "analytic") notes.unshift(`no measured profile for ${gpu.name}: planned from a profile derived from its specs`);
    return notes;
  };
  // An iteration takes at least its edge kernels and all its layers but the last one period each,
  // so a period at or above this cannot serve `batch` at `tokensPerSecondPerGpu` or more.
  const periodToBeat = (tokensPerSecondPerGpu: number, graph: LayerGraph, batch: DenseBatch): number | undefined => {
    if (shard.layers < 2) return undefined;
    const edgesUs = edgeKernelTimes(graph, batch, gpu).totalUs;
    const iterationUs = (batch.tokens / shard.tensorParallel / tokensPerSecondPerGpu) * 1e6;
    return (iterationUs - edgesUs) / (shard.layers - 1);
  };
  /** Plans one dense batch; `toBeat`, another batch's tokens/s per GPU, lets the search skip what cannot beat it. */
  const planBatch = async (batch: DenseBatch, toBeat?: number): Promise<Plan> => {
    const graph = buildLayerGraph(shard, batch, cost, allReduce);
    const problem = buildScheduleProblem(graph, batch, cost, gpu);
    const search = await searchSchedule(problem, {
      backend: request.solver,
      timeLimitSeconds: request.timeLimitSeconds,
      relativeGap: request.relativeGap,
      maxNanoBatches: Math.min(request.maxNanoBatches, problem.granules),
      layers: shard.layers,
      nanoBatches: request.nanoBatches,
      cutoffUs: toBeat === undefined ? undefined : periodToBeat(toBeat, graph, batch),
      ...(request.onProgress ? { onProgress: request.onProgress } : {}),
    });
    return buildPlan({
      model, gpu, workload, shard, batch, profile, graph, problem, search, allReduce, allReduceMethod,
      notes: planNotes(),
      backend: request.solver,
      timeLimitSeconds: request.timeLimitSeconds,
      toolVersion: NANOWEAVE_VERSION,
    });
  };
  if (sizes.length === 1) return planBatch(largest);
  const batchOf = (tokens: number): DenseBatch =>
    tokens === largest.tokens ? largest : { ...sizeDenseBatch(shard, gpu, workload, { batch: tokens, granule: request.granule }), auto: true };
  return planBestBatch(sizes, (tokens, toBeat) => planBatch(batchOf(tokens), toBeat), request.onProgress);
}

function withLayers(model: ResolvedModel, layers: number): ResolvedModel {
  if (!Number.isInteger(layers) || layers < 1 || layers > model.numLayers) {
    throw new InputError(`--layers must be an integer from 1 to ${model.name}'s ${model.numLayers} layers, got ${layers}`, "--layers");
  }
  return { ...model, numLayers: layers, hf: { ...model.hf, num_hidden_layers: layers } };
}
