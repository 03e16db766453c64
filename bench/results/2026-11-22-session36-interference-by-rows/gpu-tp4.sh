#!/usr/bin/env bash
# 4 x H200: the TP4 peer plans from the profile with GEMM beside attention by rows (plans/, made by
# make-plans.sh), and on the same machine session 35's plans at contexts 2048 and 4096.
# usage: COMMIT=abc1234 bash gpu-tp4.sh
source bench/results/2026-11-22-session36-interference-by-rows/common.sh
for context in 2048 4096; do
  run rows-tp4-peer-ctx$context $here/plans/tp4-peer-ctx$context.plan.json
  run s35-tp4-peer-ctx$context $s35/plans/tp4-peer-ctx$context.plan.json
done
run rows-tp4-peer-ctx1024 $here/plans/tp4-peer-ctx1024.plan.json
cd $OUT && tar czf results.tgz *.txt && rm -f *.txt
