#!/usr/bin/env bash
# One GPU, after a layer became the iteration's growth a layer in steady state: the one-GPU shard
# plan twice (text, JSON) and the TP4 peer plan's rank 0 alone with held sums; then the runtime's
# GPU tests.
# usage: GPU=h100|h200 COMMIT=abc1234 bash gpu-one-slope.sh
source bench/results/2026-11-22-session27-held-all-reduce/common.sh
step slope-shard-1 240 node dist/cli/main.js run --plan $s24/$GPU-pipelined/shard.plan.json --iterations 30 --modes planned,sequential
sed -n 3,14p $OUT/slope-shard-1.txt; grep -E "replayed" $OUT/slope-shard-1.txt
step slope-shard-2 240 node dist/cli/main.js run --plan $s24/$GPU-pipelined/shard.plan.json --iterations 30 --modes planned,sequential --json
node $here/format.mjs $OUT/slope-shard-2.txt | sed -n 4,14p; node $here/format.mjs $OUT/slope-shard-2.txt | grep -E "replayed"
if [ "$GPU" = h200 ]; then
  step slope-hold-tp4-peer-rank0 300 node dist/cli/main.js run --plan $s24/tp4/tp4-peer-after.plan.json --all-reduce hold --devices 0 --iterations 30 --modes planned,sequential --json
  node $here/format.mjs $OUT/slope-hold-tp4-peer-rank0.txt | sed -n 4,14p; node $here/format.mjs $OUT/slope-hold-tp4-peer-rank0.txt | grep -E "replayed"
fi
step tests-runtime 300 node --test --test-concurrency=1 --test-reporter=spec dist/test/gpu/runtime.test.js
grep -E "^ℹ (tests|pass|fail|skipped)|^✖|# TP2 plan" $OUT/tests-runtime.txt | head
cd $OUT && tar czf results.tgz *.txt && rm -f *.txt
