#!/usr/bin/env bash
# 1 x H100 or H200, after the power window keeps each GPU apart and a multi-GPU iteration joins its ranks:
# the one-GPU shard plan (session 24's) once, then every GPU test.
# usage: GPU=h100|h200 COMMIT=abc1234 bash gpu-one.sh
source bench/results/2026-11-22-session28-per-gpu-clocks/common.sh
step shard 240 node dist/cli/main.js run --plan $s24/$GPU-pipelined/shard.plan.json --iterations 30 --modes planned,sequential
sed -n 3,22p $OUT/shard.txt; grep -E "replayed" $OUT/shard.txt
bash test/gpu/run-on-device.sh $OUT > /dev/null 2>&1
grep -E "^ℹ (tests|pass|fail|skipped)|^✖" $OUT/addon-tests.txt | head
cd $OUT && tar czf results.tgz *.txt && rm -f *.txt
