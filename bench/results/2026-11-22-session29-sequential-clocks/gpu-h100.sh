#!/usr/bin/env bash
# 1 x H100: gpu-profile.sh's measurements, then the shard planned from the new profile and run, and
# the profile GPU test (the sustained-load section's new factors among its checks).
# usage: COMMIT=abc1234 bash gpu-h100.sh
source bench/results/2026-11-22-session29-sequential-clocks/common.sh
measure_profile profiles/H100-SXM.json
step plan-shard 60 node dist/cli/main.js plan --model llama-70b --gpus 8 --no-all-reduce --layers 16 --workload decode-1024 \
  --batch 2048 --gpu h100 --profile $OUT/profile.json --out $OUT/shard.plan.json --no-gantt
step shard 150 node dist/cli/main.js run --plan $OUT/shard.plan.json --iterations 30 --modes planned,sequential
sed -n 3,22p $OUT/shard.txt; grep -E "replayed" $OUT/shard.txt
step profile-test 150 node --test --test-reporter=spec dist/test/gpu/profile.test.js
grep -E "^ℹ (tests|pass|fail)|sustained load|✖" $OUT/profile-test.txt | head
cd $OUT && tar czf results.tgz *.txt *.json && rm -f *.txt *.json
