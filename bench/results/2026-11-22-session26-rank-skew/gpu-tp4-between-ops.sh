#!/usr/bin/env bash
# 4 x H200: where the TP4 layer's time between ops comes from. The peer and NCCL TP4 plans with the
# trace's replay (ops' own times against time between ops); then the one-GPU H200 shard plan on
# GPU 0 and on GPU 2 of the same host, to tell this host's GPUs from the tensor-parallel runtime;
# then the tensor-parallel GPU tests.
# usage: COMMIT=abc1234 bash gpu-tp4-between-ops.sh
source bench/results/2026-11-22-session26-rank-skew/common.sh
for method in peer nccl; do
  step run-tp4-$method 300 node dist/cli/main.js run --plan $s24/tp4/tp4-$method-after.plan.json --iterations 30 --modes planned,sequential
  sed -n 3,12p $OUT/run-tp4-$method.txt; grep -E "busy:|replayed" $OUT/run-tp4-$method.txt
done
for device in 0 2; do
  step run-shard-gpu$device 240 node dist/cli/main.js run --plan $s24/h200-pipelined/shard.plan.json --iterations 30 --modes planned,sequential --devices $device
  sed -n 3,12p $OUT/run-shard-gpu$device.txt; grep -E "busy:|replayed" $OUT/run-shard-gpu$device.txt
done
step tests-tp 300 node --test --test-concurrency=1 --test-reporter=spec dist/test/gpu/tensor-parallel.test.js dist/test/gpu/peer-sum.test.js
grep -E "^ℹ (tests|pass|fail|skipped)|^✖|TP2 peer trace" $OUT/tests-tp.txt | head
cd $OUT && tar czf results.tgz *.txt && rm -f *.txt
