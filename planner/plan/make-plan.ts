/**
 * The planner end to end: resolve the model, GPU and workload, shard the model, size the dense
 * batch, load (or derive) the profile, build the layer's operation graph, search for the best
 * schedule and assemble the plan file.
 */
import { DEFAULT_GPU, DEFAULT_WORKLOAD, resolveGpu, resolveModel, resolveWorkload } from "../config/index.js";
import type { SolverBackendName } from "../milp/solution.js";
import { sizeDenseBatch } from "../model/dense-batch.js";
import { buildLayerGraph, profiledGemmShapes } from "../model/layer-graph.js";
import { shardModel } from "../model/shard.js";
import { CostModel } from "../profile/cost-model.js";
import { loadProfileFor } from "../profile/load.js";
import { buildScheduleProblem } from "../schedule/build-problem.js";
import { searchSchedule } from "../schedule/search.js";
import { NANOWEAVE_VERSION } from "../version.js";
import { buildPlan } from "./build-plan.js";
import type { Plan } from "./schema.js";

export interface PlanRequest {
  model: string;
  gpus: number;
  gpu?: string | undefined;
  workload?: string | undefined;
  batch: number | "auto";
  granule: number;
  profile?: string | undefined;
  solver: SolverBackendName;
  timeLimitSeconds: number;
  relativeGap: number;
  maxNanoBatches: number;
  onProgress?: (message: string) => void;
}

export async function makePlan(request: PlanRequest): Promise<Plan> {
  const model = await resolveModel(request.model);
  const gpu = await resolveGpu(request.gpu ?? DEFAULT_GPU);
  const workload = await resolveWorkload(request.workload ?? DEFAULT_WORKLOAD);
  const shard = shardModel(model, request.gpus);
  const batch = sizeDenseBatch(shard, gpu, workload, { batch: request.batch, granule: request.granule });
  const profile = await loadProfileFor(gpu, {
    profilePath: request.profile,
    analytic: {
      gemmShapes: profiledGemmShapes(shard),
      attention: [{ headDim: shard.headDim, groupSize: shard.qHeads / shard.kvHeads, kvHeads: shard.kvHeads }],
      allReduceGpus: [2, 4, 8, request.gpus],
      toolVersion: NANOWEAVE_VERSION,
    },
  });
  request.onProgress?.(
    `planning ${model.name} on ${request.gpus} x ${gpu.name}: dense batch ${batch.tokens} tokens, ` +
      `${profile.profile.source} profile${profile.path ? ` ${profile.path}` : ""}`,
  );
  const cost = new CostModel(profile.profile);
  const graph = buildLayerGraph(shard, batch, cost);
  const problem = buildScheduleProblem(graph, batch, cost, gpu);
  const search = await searchSchedule(problem, {
    backend: request.solver,
    timeLimitSeconds: request.timeLimitSeconds,
    relativeGap: request.relativeGap,
    maxNanoBatches: Math.min(request.maxNanoBatches, problem.granules),
    ...(request.onProgress ? { onProgress: request.onProgress } : {}),
  });
  const notes = [...cost.notes];
  if (profile.profile.source === "analytic") notes.unshift(`no measured profile for ${gpu.name}: planned from a profile derived from its specs`);
  return buildPlan({
    model,
    gpu,
    workload,
    shard,
    batch,
    profile,
    graph,
    problem,
    search,
    backend: request.solver,
    timeLimitSeconds: request.timeLimitSeconds,
    notes,
    toolVersion: NANOWEAVE_VERSION,
  });
}
