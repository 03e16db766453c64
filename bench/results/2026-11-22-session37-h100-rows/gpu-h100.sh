#!/usr/bin/env bash
# 1 x H100: GEMM beside attention at 128-2048 GEMM rows merged into a copy of the shipped profile
# ($OUT/H100-SXM.json); the Llama-2-70B TP8 shard planned from it at contexts 1024, 1536 and 2048;
# then `nanoweave run` of those plans and, on the same machine, of session 34's shipped H100 shard
# plans at contexts 1024 and 1536.
# usage: COMMIT=abc1234 bash gpu-h100.sh
source bench/results/2026-11-22-session37-h100-rows/common.sh
merge_rows profiles/H100-SXM.json $OUT/H100-SXM.json
for context in 1024 1536 2048; do plan_at h100 $context $OUT/H100-SXM.json $OUT/plans; done | tee $OUT/plans.txt
for context in 1024 1536; do
  run rows-h100-ctx$context $OUT/plans/h100-ctx$context-b2048.plan.json
  run s34-h100-ctx$context $s34/plans/shipped/h100-ctx$context-b2048.plan.json
done
run rows-h100-ctx2048 $OUT/plans/h100-ctx2048-b2048.plan.json
cd $OUT && tar czf results.tgz *.txt plans H100-SXM.json && rm -rf *.txt plans
