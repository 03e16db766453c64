#!/usr/bin/env bash
# 1 x H200: the one-GPU plans from the profile with GEMM beside attention by rows (plans/, made by
# make-plans.sh) that the first call did not run: Llama-3-8B --batch auto, the TP8 shard at contexts
# 1024 (as the envelope over rows plans it), 2048 and 3072; and session 34's shipped shard plans at
# 1024 and 2048 on the same machine.
# usage: COMMIT=abc1234 bash gpu-h200-plans.sh
source bench/results/2026-11-22-session36-interference-by-rows/common.sh
for context in 1024 2048; do
  run rows-h200-ctx$context $here/plans/h200-ctx$context-b2048.plan.json
  run s34-h200-ctx$context $s34/plans/shipped/h200-ctx$context-b2048.plan.json
done
run rows-h200-ctx3072 $here/plans/h200-ctx3072-b2048.plan.json
run rows-llama3-8b-h200-auto $here/plans/llama3-8b-h200-auto.plan.json
cd $OUT && tar czf results.tgz *.txt && rm -f *.txt
