#!/usr/bin/env bash
# 1 x H200: the shard plan made from this session's H200 profile against session 24's (the one the
# shipped profile gives), alternating, twice; then both profiles' TP4 peer plans with rank 0 alone,
# each sum held for its planned time.
# usage: COMMIT=abc1234 bash gpu-h200-ab.sh
source bench/results/2026-11-22-session29-sequential-clocks/common.sh
show() { sed -n 5,9p $OUT/$1.txt; grep -E "^prediction error|replayed" $OUT/$1.txt; }
for i in 1 2; do
  step shard-old-$i 150 node dist/cli/main.js run --plan $s24/h200-pipelined/shard.plan.json --iterations 30 --modes planned,sequential
  show shard-old-$i
  step shard-new-$i 150 node dist/cli/main.js run --plan $here/plans/shard.plan.json --iterations 30 --modes planned,sequential
  show shard-new-$i
done
step tp4-old-hold-rank0 150 node dist/cli/main.js run --plan $s24/tp4/tp4-peer-after.plan.json --all-reduce hold --devices 0 --iterations 30 --modes planned,sequential
show tp4-old-hold-rank0
step tp4-new-hold-rank0 150 node dist/cli/main.js run --plan $here/plans/tp4-peer.plan.json --all-reduce hold --devices 0 --iterations 30 --modes planned,sequential
show tp4-new-hold-rank0
cd $OUT && tar czf results.tgz *.txt && rm -f *.txt
