#!/usr/bin/env bash
# 1 x H200: GEMM beside attention at 128-2048 GEMM rows merged into a copy of the shipped profile
# ($OUT/H200-SXM.json); Llama-3-8B (--batch best and auto) and the Llama-2-70B TP8 shard (contexts
# 1024 and 4096) planned from it; then `nanoweave run` of those plans and, on the same machine, of
# session 35's Llama-3-8B best plan and session 34's shipped shard plan at context 1024.
# usage: COMMIT=abc1234 bash gpu-h200.sh
source bench/results/2026-11-22-session36-interference-by-rows/common.sh
merge_rows profiles/H200-SXM.json $OUT/H200-SXM.json
{
  for batch in best auto; do plan_8b h200 $batch $OUT/H200-SXM.json $OUT/plans; done
  for context in 1024 4096; do plan_at h200 $context $OUT/H200-SXM.json $OUT/plans; done
} | tee $OUT/plans.txt
run rows-llama3-8b-h200-best $OUT/plans/llama3-8b-h200-best.plan.json
run rows-h200-ctx1024 $OUT/plans/h200-ctx1024-b2048.plan.json
run s34-h200-ctx1024 $s34/plans/shipped/h200-ctx1024-b2048.plan.json
run rows-h200-ctx4096 $OUT/plans/h200-ctx4096-b2048.plan.json
run s35-llama3-8b-h200-best $s35/plans/llama3-8b-h200-best.plan.json
cd $OUT && tar czf results.tgz *.txt plans H200-SXM.json && rm -rf *.txt plans
