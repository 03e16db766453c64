#!/usr/bin/env bash
# One H200: the shard plan with every op on the split (planned from the shipped profile with its
# pipelined GEMM factor raised to 1.35, which moves the whole-GPU ops into the split) and the plan
# from the measured factor, run alternately.
# usage: COMMIT=abc1234 bash gpu-all-split.sh
source bench/results/2026-11-21-session24-where-time-goes/common.sh
for i in 1 2; do
  for p in h200-all-split/all-split h200-pipelined/shard; do
    name=run-$(basename $p)-$i
    step $name 200 node dist/cli/main.js run --plan $here/raw/$p.plan.json --iterations 30 --modes planned,sequential
    grep -E "^(planned|sequential|plan) |vs seq|rror" $OUT/$name.txt
  done
done
