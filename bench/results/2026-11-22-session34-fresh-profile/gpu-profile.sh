#!/usr/bin/env bash
# One GPU (h200 or h100): a full profile from scratch (`nanoweave profile`, every section, as a
# user's nightly job runs it) into $OUT/profile.json; the shard planned from it at each CONTEXT;
# then on the same machine `nanoweave run` of the plan from it and of the shipped profile's plan
# (made beforehand into plans/shipped/) at each RUN context, fresh first.
# usage: COMMIT=abc1234 bash gpu-profile.sh h200|h100 "CONTEXT..." "RUN..."
source bench/results/2026-11-22-session34-fresh-profile/common.sh
gpu=$1 contexts=$2 runs=$3
step profile 420 node dist/cli/main.js profile --out $OUT/profile.json
tail -4 $OUT/profile.txt
for context in $contexts; do plan_at $gpu $context $OUT/profile.json $OUT/plans; done | tee $OUT/plans.txt
for context in $runs; do
  run fresh-$gpu-ctx$context $OUT/plans/$gpu-ctx$context-b2048.plan.json
  run shipped-$gpu-ctx$context $here/plans/shipped/$gpu-ctx$context-b2048.plan.json
done
cd $OUT && tar czf results.tgz *.txt plans profile.json && rm -rf *.txt plans
