/**
 * Planner benchmark: plans every shipped dense model at 1, 2, 4 and 8 GPUs and records solve time,
 * status, gap and predicted speedup. Usage (after `npm run build`):
 *   node dist/bench/planner/run-planner-bench.js [--gpu h100] [--workload default] [--out bench/results/x.json]
 * Prints a markdown table; writes the raw results as JSON.
 */
import { writeFileSync } from "node:fs";
import os from "node:os";
import { parseArgs } from "node:util";
import { InputError } from "../../planner/errors.js";
import { listModels } from "../../planner/config/index.js";
import { makePlan } from "../../planner/plan/make-plan.js";
import { NANOWEAVE_VERSION } from "../../planner/version.js";

const { values } = parseArgs({
  options: {
    gpu: { type: "string", default: "h100" },
    workload: { type: "string", default: "default" },
    "time-limit": { type: "string", default: "8" },
    out: { type: "string" },
  },
});

interface Row {
  model: string;
  gpus: number;
  outcome: "planned" | "refused";
  reason?: string;
  wallSeconds?: number;
  solveSeconds?: number;
  status?: string;
  gap?: number;
  nanoBatches?: number;
  layout?: string;
  batchTokens?: number;
  layerUs?: number;
  sequentialLayerUs?: number;
  speedup?: number;
  tokensPerSecondPerGpu?: number;
  profile?: string;
}

const rows: Row[] = [];
for (const model of await listModels()) {
  if (model.moe) continue;
  for (const gpus of [1, 2, 4, 8]) {
    const started = performance.now();
    try {
      const plan = await makePlan({
        model: model.id,
        gpus,
        gpu: values.gpu,
        workload: values.workload,
        batch: "auto",
        granule: 128,
        solver: "highs",
        timeLimitSeconds: Number(values["time-limit"]),
        relativeGap: 0.001,
        maxNanoBatches: 8,
      });
      const split = plan.layouts.find((l) => l.id === "split");
      rows.push({
        model: model.name,
        gpus,
        outcome: "planned",
        wallSeconds: (performance.now() - started) / 1000,
        solveSeconds: plan.solver.seconds,
        status: plan.solver.status,
        gap: plan.solver.gap,
        nanoBatches: plan.nanoBatches.length,
        layout: split ? split.partitions.map((p) => `${p.stream} ${p.sms}`).join(" / ") : "whole GPU",
        batchTokens: plan.batch.tokens,
        layerUs: plan.prediction.layerUs,
        sequentialLayerUs: plan.prediction.sequential.layerUs,
        speedup: plan.prediction.speedupOverSequential,
        tokensPerSecondPerGpu: plan.prediction.tokensPerSecondPerGpu,
        profile: plan.profile.source,
      });
    } catch (error) {
      if (!(error instanceof InputError)) throw error;
      rows.push({ model: model.name, gpus, outcome: "refused", reason: error.message.split("\n")[0]! });
    }
  }
}

const header = "| model | GPUs | batch | nano-batches | layout | solve s | status | gap | layer µs | sequential µs | speedup | tok/s/GPU |";
const lines = [header, "|" + " --- |".repeat(12)];
for (const r of rows) {
  lines.push(
    r.outcome === "refused"
      ? `| ${r.model} | ${r.gpus} | refused: ${r.reason} |  |  |  |  |  |  |  |  |  |`
      : `| ${r.model} | ${r.gpus} | ${r.batchTokens} | ${r.nanoBatches} | ${r.layout} | ${r.solveSeconds!.toFixed(2)} | ${r.status} | ${(r.gap! * 100).toFixed(2)}% | ${r.layerUs!.toFixed(0)} | ${r.sequentialLayerUs!.toFixed(0)} | ${r.speedup!.toFixed(3)} | ${r.tokensPerSecondPerGpu!.toFixed(0)} |`,
  );
}
process.stdout.write(`${lines.join("\n")}\n`);
const result = {
  tool: `nanoweave ${NANOWEAVE_VERSION}`,
  date: new Date().toISOString(),
  command: `node ${process.argv.slice(1).join(" ")}`,
  machine: { cpus: os.cpus().length, cpu: os.cpus()[0]?.model, node: process.version },
  gpu: values.gpu,
  workload: values.workload,
  rows,
};
if (values.out) writeFileSync(values.out, `${JSON.stringify(result, null, 2)}\n`);
