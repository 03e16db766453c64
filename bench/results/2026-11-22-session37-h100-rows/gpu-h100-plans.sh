#!/usr/bin/env bash
# 1 x H100: the shard plans of plans/ (from the shipped H100 profile with attention stretched beside
# element-wise kernels) at contexts 1024-4096, and session 34's shipped plan at 1024 on the same machine.
# usage: COMMIT=abc1234 bash gpu-h100-plans.sh
source bench/results/2026-11-22-session37-h100-rows/common.sh
run s37-h100-ctx1024 $here/plans/h100-ctx1024-b2048.plan.json
run s34-h100-ctx1024 $s34/plans/shipped/h100-ctx1024-b2048.plan.json
for context in 1536 2048 4096; do run s37-h100-ctx$context $here/plans/h100-ctx$context-b2048.plan.json; done
cd $OUT && tar czf results.tgz *.txt && rm -f *.txt
