#!/usr/bin/env bash
# 4 x H200, with a layer as the iteration's growth a layer in steady state: the TP4 plans with their
# own all-reduce (peer, NCCL), then the peer plan with each sum held for its planned time on all 4
# GPUs (no NVLink traffic, no polling, no rank waiting for another); each run's per-op gaps. Then
# the tensor-parallel GPU tests.
# usage: COMMIT=abc1234 bash gpu-tp4.sh
source bench/results/2026-11-22-session27-held-all-reduce/common.sh
report() { # name plan
  node $here/format.mjs $OUT/$1.txt | sed -n 1,14p; node $here/format.mjs $OUT/$1.txt | grep -E "busy:|replayed"
  node $here/gaps.mjs $2 $OUT/$1.txt | tail -8
}
for method in peer nccl; do
  step tp4-$method 200 node dist/cli/main.js run --plan $s24/tp4/tp4-$method-after.plan.json --iterations 30 --modes planned,sequential --json
  report tp4-$method $s24/tp4/tp4-$method-after.plan.json
done
step hold-tp4-peer 200 node dist/cli/main.js run --plan $s24/tp4/tp4-peer-after.plan.json --all-reduce hold --iterations 30 --modes planned,sequential --json
report hold-tp4-peer $s24/tp4/tp4-peer-after.plan.json
step tests-tp 200 node --test --test-concurrency=1 --test-reporter=spec dist/test/gpu/tensor-parallel.test.js dist/test/gpu/peer-sum.test.js
grep -E "^ℹ (tests|pass|fail|skipped)|^✖|TP2 peer trace" $OUT/tests-tp.txt | head
cd $OUT && tar czf results.tgz *.txt && rm -f *.txt
