#!/usr/bin/env bash
# 1 x H200: the shard and TP4 peer plans made here from this session's H200 profile, run; the TP4
# plan's rank 0 alone, each sum held for its planned time (as session 27 ran session 24's plan).
# usage: COMMIT=abc1234 bash gpu-h200-runs.sh
source bench/results/2026-11-22-session29-sequential-clocks/common.sh
step shard 150 node dist/cli/main.js run --plan $here/plans/shard.plan.json --iterations 30 --modes planned,sequential
sed -n 3,22p $OUT/shard.txt; grep -E "replayed" $OUT/shard.txt
step tp4-hold-rank0 150 node dist/cli/main.js run --plan $here/plans/tp4-peer.plan.json --iterations 30 --modes planned,sequential --all-reduce hold
sed -n 3,22p $OUT/tp4-hold-rank0.txt; grep -E "replayed" $OUT/tp4-hold-rank0.txt
step profile-test 150 node --test --test-reporter=spec dist/test/gpu/profile.test.js
grep -E "^ℹ (tests|pass|fail)|sustained load|✖" $OUT/profile-test.txt | head
cd $OUT && tar czf results.tgz *.txt && rm -f *.txt
