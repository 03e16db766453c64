#!/usr/bin/env bash
# 1 x H200 or 1 x H100: the GEMM tables (each share cool), attention tables (with the remainders
# plans give attention) and sustained-load section (with the pipelined split factors) into a copy of
# the shipped profile; the shard and TP4 peer plans from it; then its shard plan and the shipped
# one (session 29's), alternating, and on an H200 its TP4 plan with rank 0 alone, sums held.
# usage: COMMIT=abc1234 bash gpu-profile.sh h200|h100
source bench/results/2026-11-22-session31-split-clocks/common.sh
gpu=$1; GPU=$(echo $gpu | tr a-z A-Z)
cp profiles/$GPU-SXM.json $OUT/profile.json
step profile 450 node dist/cli/main.js profile --only gemm,attention,sustained-load --merge --out $OUT/profile.json
grep -E "^(wrote|decode attention 1 KV heads x group 8|sustained load)" $OUT/profile.txt
node -e 'console.log(JSON.stringify(require(process.argv[1]).sustainedLoad))' $OUT/profile.json
plan shard $gpu $OUT/profile.json shard
plan tp4 $gpu $OUT/profile.json tp4
shipped=$([ $gpu = h200 ] && echo $s29/plans/shard.plan.json || echo $s29/raw/h100/shard.plan.json)
show() { sed -n 5,9p $OUT/$1.txt; grep -E "^prediction error|replayed" $OUT/$1.txt; }
for run in new-1 shipped new-2; do
  plan=$([ $run = shipped ] && echo $shipped || echo $OUT/plans/shard.plan.json)
  step shard-$run 100 node dist/cli/main.js run --plan $plan --iterations 30 --modes planned,sequential
  show shard-$run
done
if [ $gpu = h200 ]; then
  step tp4-hold-rank0 100 node dist/cli/main.js run --plan $OUT/plans/tp4.plan.json --all-reduce hold --devices 0 --iterations 30 --modes planned,sequential
  show tp4-hold-rank0
fi
cd $OUT && tar czf results.tgz *.txt *.json plans && rm -rf *.txt *.json plans
