#!/usr/bin/env bash
# 1 x H100: the shard plan made from this session's H100 profile against session 29's, alternating, twice.
# usage: COMMIT=abc1234 bash gpu-h100-ab.sh
source bench/results/2026-11-22-session30-shape-factors/common.sh
show() { sed -n 5,9p $OUT/$1.txt; grep -E "^prediction error|replayed" $OUT/$1.txt; }
for i in 1 2; do
  for plan in new s29; do
    path=$([ $plan = new ] && echo $here/plans/h100-shard.plan.json || echo $s29/raw/h100/shard.plan.json)
    step shard-$plan-$i 150 node dist/cli/main.js run --plan $path --iterations 30 --modes planned,sequential
    show shard-$plan-$i
  done
done
cd $OUT && tar czf results.tgz *.txt && rm -f *.txt
