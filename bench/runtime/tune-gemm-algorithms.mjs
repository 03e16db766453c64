// Makes a GEMM algorithm table (runtime/gemmAlgorithmTable.ts) for a plan on this GPU, for
// `nanoweave run --gemm-algorithms`. For every GEMM launch of the plan's planned and sequential
// modes (shape, rows, SM target, and whether attention runs beside it): every cuBLASLt candidate
// screened alone (one graph run each), then the best few and cuBLAS's own pick timed as the profiler
// times (alone: perRepUs; beside attention: windowUs with the plan's attention on the split's
// remainder); the fastest whose product matches cuBLAS's pick is kept where it beats that pick.
// Needs the built project (npm run build, npm run build:native) and a GPU; about 90 s for the
// Llama-2-70B TP8 shard plan on an H100. Session 17 (bench/results/2026-11-21-session17-gemm-algorithms/)
// ran this without the product check, and checked the table it made separately.
// usage: node bench/runtime/tune-gemm-algorithms.mjs PLAN OUT.json [FINALISTS]
import { writeFileSync } from "node:fs";
import { GpuContext } from "../../dist/planner/profiling/gpu/gpu-context.js";
import { WorkTimer } from "../../dist/planner/profiling/gpu/timer.js";
import { GemmOperands } from "../../dist/planner/profiling/gpu/gemm-operands.js";
import { AttentionOperands } from "../../dist/planner/profiling/gpu/attention-operands.js";
import { kvBytes } from "../../dist/planner/profiling/attention-grid.js";
import { readPlanFile } from "../../dist/planner/plan/plan-file.js";
import { operationsFor } from "../../dist/runtime/plan/executionModes.js";
import { modelShapeOf } from "../../dist/runtime/model/modelShape.js";
import { layerGemmShapes } from "../../dist/planner/model/shard.js";
import { gemmMachine, GEMM_ALGORITHM_TABLE_SCHEMA, GemmAlgorithmTableSchema } from "../../dist/runtime/gemmAlgorithmTable.js";

const [planFile, outFile, topArg] = process.argv.slice(2);
const TOP = Number(topArg ?? 6);
const plan = await readPlanFile(planFile);
const shape = modelShapeOf(plan);
const layer = layerGemmShapes(shape);
const dims = { qkv_gemm: layer.qkv, o_gemm: layer.o, gate_up_gemm: layer.gateUp, down_gemm: layer.down };
const split = plan.layouts.find((l) => l.id !== "whole");
const memorySms = split?.partitions.find((p) => p.stream === "memory")?.sms;
const launches = new Map();
for (const mode of ["planned", "sequential"]) {
  for (const op of operationsFor(plan, mode).operations) {
    const d = dims[op.kind];
    if (!d) continue;
    const beside = mode === "planned" && op.layout !== "whole" && op.stream === "compute" && memorySms ? "attention" : "none";
    const launch = { kind: op.kind, ...d, rows: op.rows[1] - op.rows[0], sms: op.smTarget, beside };
    launches.set(`${d.n}x${d.k}:${launch.rows}@${launch.sms}/${beside}`, launch);
  }
}
console.log(`plan ${planFile}: ${launches.size} GEMM launches to tune; attention partner on ${memorySms} SMs`);

const ctx = GpuContext.open(0, { min: 8, granularity: 8 });
await ctx.readyGate();
const timer = new WorkTimer(() => ctx.madeGate());
const machine = gemmMachine(ctx.gpu);
const attentionConfig = { headDim: shape.headDim, groupSize: shape.qHeads / shape.kvHeads, kvHeads: shape.kvHeads };
const context = Math.ceil(plan.batch.decodeContext);
const maxRows = Math.max(...[...launches.values()].map((l) => l.rows));
const attention = await AttentionOperands.create(ctx.gpu, ctx.kernels, ctx.random, attentionConfig, kvBytes(attentionConfig, { requests: maxRows, context }), ctx.setupStream);

/** One graph of `rotation` repetitions, run once to warm and once timed: a quick screen. */
function screenUs(work) {
  const reps = Math.max(work.rotation, 4);
  const prepared = work.prepare(reps);
  const [start, end] = [ctx.gpu.createEvent(), ctx.gpu.createEvent()];
  try {
    const stream = work.streams[0];
    prepared.queue();
    start.record(stream);
    prepared.queue();
    end.record(stream);
    end.synchronize();
    return (end.elapsedMsSince(start) * 1000) / reps;
  } finally {
    prepared.dispose();
    start.dispose();
    end.dispose();
  }
}

/** Relative error of `algorithm`'s bf16 product against cuBLAS's pick on the same random operands. */
function productError(share, launch, algorithm) {
  const a = ctx.random.bf16(launch.rows * launch.k);
  const b = ctx.random.bf16(launch.n * launch.k);
  const product = (choice) => {
    const c = ctx.gpu.allocate("bf16", launch.rows * launch.n);
    share.cublas.gemm({ stream: share.stream, a, b, c, m: launch.rows, n: launch.n, k: launch.k, algorithm: choice });
    share.stream.synchronize();
    const host = c.download();
    c.dispose();
    return host;
  };
  const reference = product(undefined);
  const result = product(algorithm);
  let num = 0, den = 0;
  for (let i = 0; i < reference.length; i++) {
    num += (result[i] - reference[i]) ** 2;
    den += reference[i] ** 2;
  }
  a.dispose();
  b.dispose();
  return Math.sqrt(num / den);
}

const entries = [];
const log = [];
for (const launch of launches.values()) {
  const t0 = performance.now();
  const share = launch.sms === ctx.gpu.info.smCount ? ctx.partitions.share(launch.sms) : ctx.partitions.split(launch.sms).group;
  const partnerShare = launch.beside === "attention" ? ctx.partitions.split(launch.sms).remainder : undefined;
  const gemm = new GemmOperands(ctx.gpu, ctx.random, { n: launch.n, k: launch.k }, launch.rows);
  const candidates = share.cublas.algorithms({ m: launch.rows, n: launch.n, k: launch.k }, 8);
  ctx.warmUp();
  const screened = candidates.flatMap((c) => {
    try {
      return [{ c, us: screenUs(gemm.workload(share.stream, share.cublas, launch.rows, c.algorithm)) }];
    } catch (error) {
      console.log(`    candidate tile ${c.tile} cluster ${c.cluster} failed: ${error.message.split("\n")[0]}`);
      return [];
    }
  });
  screened.sort((a, b) => a.us - b.us);
  // cublasLtMatmulAlgoCheck passes a few configurations that compute wrong results: keep only those that match.
  const finalists = [];
  for (const { c } of screened) {
    if (finalists.length === TOP) break;
    const error = productError(share, launch, c.algorithm);
    if (error < 1e-2) finalists.push(c);
    else console.log(`    tile ${c.tile} stages ${c.stages} cluster ${c.cluster}: product differs from cuBLAS's pick (relative error ${error.toExponential(2)}), skipped`);
  }
  const heuristicFirst = candidates.find((c) => c.fromHeuristic);
  if (heuristicFirst && !finalists.includes(heuristicFirst)) finalists.push(heuristicFirst);
  let partner;
  if (partnerShare) {
    const work = attention.workload(partnerShare.stream, partnerShare.smCount, { requests: launch.rows, context });
    partner = { work, aloneUs: timer.perRepUs(work) };
  }
  const measure = (algorithm) => {
    const work = gemm.workload(share.stream, share.cublas, launch.rows, algorithm);
    const alone = timer.perRepUs(work);
    return partner ? { alone, us: timer.windowUs(work, alone, partner) } : { alone, us: alone };
  };
  ctx.warmUp();
  const dflt = measure(undefined);
  const timed = finalists.map((c) => ({ c, ...measure(c.algorithm) }));
  timed.sort((a, b) => a.us - b.us);
  const best = timed[0];
  const line = `${launch.kind} ${launch.n}x${launch.k} rows ${launch.rows} on ${launch.sms} SMs beside ${launch.beside}: ${candidates.length} candidates (screen ${screened[0].us.toFixed(1)}..${screened.at(-1).us.toFixed(1)} us); cuBLAS pick ${dflt.us.toFixed(1)} us (alone ${dflt.alone.toFixed(1)}); best ${best.us.toFixed(1)} us (alone ${best.alone.toFixed(1)}) tile ${best.c.tile} stages ${best.c.stages} cluster ${best.c.cluster} swizzle ${best.c.swizzle} splitK ${best.c.splitK}: ${(dflt.us / best.us).toFixed(3)}x [${((performance.now() - t0) / 1000).toFixed(1)} s]`;
  console.log(line);
  log.push({ launch, defaultUs: dflt.us, defaultAloneUs: dflt.alone, finalists: timed.map((t) => ({ ...t.c, algorithm: undefined, us: t.us, aloneUs: t.alone })) });
  for (const t of timed) console.log(`    tile ${t.c.tile} stages ${t.c.stages} cluster ${t.c.cluster} swz ${t.c.swizzle} heur ${t.c.fromHeuristic}: ${t.us.toFixed(1)} (alone ${t.alone.toFixed(1)})`);
  if (best.us < dflt.us) {
    const { algorithm, id, tile, stages, splitK, swizzle, cluster } = best.c;
    entries.push({ n: launch.n, k: launch.k, rows: launch.rows, sms: launch.sms, beside: launch.beside, algorithm, config: { id, tile, stages, splitK, swizzle, cluster }, timeUs: best.us, defaultUs: dflt.us });
  }
  gemm.dispose();
}
const table = GemmAlgorithmTableSchema.parse({ schema: GEMM_ALGORITHM_TABLE_SCHEMA, ...machine, createdAt: new Date().toISOString(), command: `node bench/runtime/tune-gemm-algorithms.mjs ${process.argv.slice(2).join(" ")}`, entries });
writeFileSync(outFile, JSON.stringify(table, null, 2) + "\n");
writeFileSync(outFile.replace(/\.json$/, ".log.json"), JSON.stringify(log, null, 2) + "\n");
console.log(`wrote ${outFile}: ${entries.length} of ${launches.size} launches faster than cuBLAS's pick`);
attention.dispose();
timer.dispose();
ctx.dispose();
