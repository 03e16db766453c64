#!/usr/bin/env bash
# 1 x H100: GEMM beside attention at 128-2048 GEMM rows merged into a copy of the shipped profile
# ($OUT/H100-SXM.json); the TP8 shard planned from it at contexts 1024, 1536 and 4096; then
# `nanoweave run` of those plans and, on the same machine, of session 34's shipped plan at 1024.
# usage: COMMIT=abc1234 bash gpu-h100.sh
source bench/results/2026-11-22-session36-interference-by-rows/common.sh
merge_rows profiles/H100-SXM.json $OUT/H100-SXM.json
for context in 1024 1536 4096; do plan_shard h100 $context $OUT/H100-SXM.json $OUT/plans; done | tee $OUT/plans.txt
run rows-h100-ctx1024 $OUT/plans/h100-ctx1024-b2048.plan.json
run s34-h100-ctx1024 $s34/plans/shipped/h100-ctx1024-b2048.plan.json
run rows-h100-ctx1536 $OUT/plans/h100-ctx1536-b2048.plan.json
run rows-h100-ctx4096 $OUT/plans/h100-ctx4096-b2048.plan.json
cd $OUT && tar czf results.tgz *.txt plans H100-SXM.json && rm -rf *.txt plans
