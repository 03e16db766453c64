#!/usr/bin/env bash
# 1 x H200: GEMM beside attention by rows, now with attention beside RMSNorm, merged into a copy of
# the shipped profile ($OUT/H200-SXM.json); the TP8 shard (contexts 1024, 2048, 3072) and
# Llama-3-8B (--batch auto) planned from it; then `nanoweave run` of those plans and, on the same
# machine, of session 36's shard plan at context 1024.
# usage: COMMIT=abc1234 bash gpu-h200.sh
source bench/results/2026-11-22-session37-h100-rows/common.sh
merge_rows profiles/H200-SXM.json $OUT/H200-SXM.json
{
  for context in 1024 2048 3072; do plan_shard h200 $context $OUT/H200-SXM.json $OUT/plans; done
  plan_8b h200 auto $OUT/H200-SXM.json $OUT/plans
} | tee $OUT/plans.txt
for context in 1024 2048 3072; do run s37-h200-ctx$context $OUT/plans/h200-ctx$context-b2048.plan.json; done
run s36-h200-ctx1024 $s36/plans/h200-ctx1024-b2048.plan.json
run s37-llama3-8b-h200-auto $OUT/plans/llama3-8b-h200-auto.plan.json
cd $OUT && tar czf results.tgz *.txt plans H200-SXM.json && rm -rf *.txt plans
