#!/usr/bin/env bash
# 2 x H200: the TP2 peer and NCCL plans made from this session's H200 profile against session 28's
# (made from the shipped profile), each with its own all-reduce, alternating.
# usage: COMMIT=abc1234 bash gpu-tp2-ab.sh
source bench/results/2026-11-22-session29-sequential-clocks/common.sh
s28=bench/results/2026-11-22-session28-per-gpu-clocks/plans
show() { sed -n 5,9p $OUT/$1.txt; grep -E "^prediction error|replayed" $OUT/$1.txt; }
for method in peer nccl; do
  step tp2-$method-old 150 node dist/cli/main.js run --plan $s28/tp2-$method.plan.json --iterations 30 --modes planned,sequential
  show tp2-$method-old
  step tp2-$method-new 150 node dist/cli/main.js run --plan $here/plans/tp2-$method.plan.json --iterations 30 --modes planned,sequential
  show tp2-$method-new
done
cd $OUT && tar czf results.tgz *.txt && rm -f *.txt
