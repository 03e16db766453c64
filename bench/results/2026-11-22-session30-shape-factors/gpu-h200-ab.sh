#!/usr/bin/env bash
# 1 x H200: the shard plan made from this session's H200 profile (cool tables, a factor per GEMM
# shape) against session 29's and session 24's, alternating; then this session's and session 29's
# TP4 peer plans with rank 0 alone, each sum held for its planned time.
# usage: COMMIT=abc1234 bash gpu-h200-ab.sh
source bench/results/2026-11-22-session30-shape-factors/common.sh
show() { sed -n 5,9p $OUT/$1.txt; grep -E "^prediction error|replayed" $OUT/$1.txt; }
shard() { # name plan
  step $1 150 node dist/cli/main.js run --plan $2 --iterations 30 --modes planned,sequential
  show $1
}
shard shard-new-1 $here/plans/shard.plan.json
shard shard-s29 $s29/plans/shard.plan.json
shard shard-new-2 $here/plans/shard.plan.json
shard shard-s24 $s24/h200-pipelined/shard.plan.json
for plan in s29 new; do
  dir=$([ $plan = new ] && echo $here || echo $s29)
  step tp4-$plan-hold-rank0 150 node dist/cli/main.js run --plan $dir/plans/tp4-peer.plan.json --all-reduce hold --devices 0 --iterations 30 --modes planned,sequential
  show tp4-$plan-hold-rank0
done
cd $OUT && tar czf results.tgz *.txt && rm -f *.txt
