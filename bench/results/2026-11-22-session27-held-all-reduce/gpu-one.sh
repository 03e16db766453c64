#!/usr/bin/env bash
# One GPU: the TP4 plans' rank 0 alone, each all-reduce held for its planned time (--all-reduce
# hold): is TP4's time between ops there without other GPUs, NVLink and polling all-reduce kernels?
# Beside it the one-GPU shard plan on the same GPU. Then the runtime's GPU tests.
# usage: COMMIT=abc1234 bash gpu-one.sh
source bench/results/2026-11-22-session27-held-all-reduce/common.sh
for method in peer nccl; do
  step hold-tp4-$method-rank0 300 node dist/cli/main.js run --plan $s24/tp4/tp4-$method-after.plan.json --all-reduce hold --devices 0 --iterations 30 --modes planned,sequential --json
  node $here/format.mjs $OUT/hold-tp4-$method-rank0.txt | sed -n 1,12p; node $here/format.mjs $OUT/hold-tp4-$method-rank0.txt | grep -E "busy:|replayed"
  node $here/gaps.mjs $s24/tp4/tp4-$method-after.plan.json $OUT/hold-tp4-$method-rank0.txt | tail -9
done
step run-shard 240 node dist/cli/main.js run --plan $s24/h200-pipelined/shard.plan.json --iterations 30 --modes planned,sequential --json
node $here/format.mjs $OUT/run-shard.txt | sed -n 3,12p; node $here/format.mjs $OUT/run-shard.txt | grep -E "busy:|replayed"
node $here/gaps.mjs $s24/h200-pipelined/shard.plan.json $OUT/run-shard.txt | tail -9
step tests-runtime 300 node --test --test-concurrency=1 --test-reporter=spec dist/test/gpu/runtime.test.js
grep -E "^ℹ (tests|pass|fail|skipped)|^✖|# TP2 plan" $OUT/tests-runtime.txt | head
cd $OUT && tar czf results.tgz *.txt && rm -f *.txt
