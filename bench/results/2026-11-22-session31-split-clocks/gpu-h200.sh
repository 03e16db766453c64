#!/usr/bin/env bash
# 1 x H200: the sustained-load section, with its pipelined split factors, three times into copies
# of the shipped profile; the first spliced into session 30's cool-table profile; shard and TP4
# peer plans from both; then the shard plans run against the shipped one, and the TP4 plans with
# rank 0 alone, each sum held for its planned time.
# usage: COMMIT=abc1234 bash gpu-h200.sh
source bench/results/2026-11-22-session31-split-clocks/common.sh
for i in 1 2 3; do measure_sustained sustained-$i profiles/H200-SXM.json; done
cp $OUT/sustained-1.json $OUT/shipped-split.json
node $here/splice.mjs $s30/raw/h200-tables/profile.json $OUT/shipped-split.json $OUT/cool-split.json
for p in shipped-split cool-split; do
  plan $p-shard h200 $OUT/$p.json shard
  plan $p-tp4 h200 $OUT/$p.json tp4
done
show() { sed -n 5,9p $OUT/$1.txt; grep -E "^prediction error|replayed" $OUT/$1.txt; }
shard() { # name plan
  step $1 150 node dist/cli/main.js run --plan $2 --iterations 30 --modes planned,sequential
  show $1
}
shard shard-shipped-split $OUT/plans/shipped-split-shard.plan.json
shard shard-cool-split $OUT/plans/cool-split-shard.plan.json
shard shard-s29 $s29/plans/shard.plan.json
for p in shipped-split cool-split; do
  step tp4-$p-hold-rank0 150 node dist/cli/main.js run --plan $OUT/plans/$p-tp4.plan.json --all-reduce hold --devices 0 --iterations 30 --modes planned,sequential
  show tp4-$p-hold-rank0
done
cd $OUT && tar czf results.tgz *.txt *.json plans && rm -rf *.txt *.json plans
