#!/usr/bin/env bash
# 1 x H200: the sustained-load section (its mix's attention halved, each pipelined factor the median
# of three) into a copy of gpu-profile.sh's H200 profile (raw/h200-profile/); the shard and TP4
# peer plans from it; the shard plan and the shipped one alternating, and the TP4 plan with rank 0
# alone, sums held; then the GPU tests.
# usage: COMMIT=abc1234 bash gpu-h200-resustain.sh
source bench/results/2026-11-22-session31-split-clocks/common.sh
measure_sustained profile $here/raw/h200-profile/profile.json
plan shard h200 $OUT/profile.json shard
plan tp4 h200 $OUT/profile.json tp4
show() { sed -n 5,9p $OUT/$1.txt; grep -E "^prediction error|replayed" $OUT/$1.txt; }
for run in new-1 shipped new-2; do
  plan=$([ $run = shipped ] && echo $s29/plans/shard.plan.json || echo $OUT/plans/shard.plan.json)
  step shard-$run 100 node dist/cli/main.js run --plan $plan --iterations 30 --modes planned,sequential
  show shard-$run
done
step tp4-hold-rank0 100 node dist/cli/main.js run --plan $OUT/plans/tp4.plan.json --all-reduce hold --devices 0 --iterations 30 --modes planned,sequential
show tp4-hold-rank0
bash test/gpu/run-on-device.sh $OUT > $OUT/gpu-tests.txt 2>&1; tail -12 $OUT/gpu-tests.txt
cd $OUT && tar czf results.tgz *.txt *.json plans && rm -rf *.txt *.json plans
