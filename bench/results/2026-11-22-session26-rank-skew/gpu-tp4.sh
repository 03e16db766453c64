#!/usr/bin/env bash
# 4 x H200: where the ranks part before the O all-reduce. Session 24's peer TP4 plan with every
# rank's start of each op in the co-run trace, rank 0 on GPU 0 and then on GPU 1; then the
# tensor-parallel GPU tests (the TP2 peer test now checks the ranks meet in each all-reduce).
# usage: COMMIT=abc1234 bash gpu-tp4.sh
source bench/results/2026-11-22-session26-rank-skew/common.sh
step run-tp4-peer 300 node dist/cli/main.js run --plan $s24/tp4/tp4-peer-after.plan.json --iterations 30 --modes planned,sequential --json
node $here/summary.mjs $OUT/run-tp4-peer.txt
step run-tp4-peer-devices-1,2,3,0 300 node dist/cli/main.js run --plan $s24/tp4/tp4-peer-after.plan.json --iterations 30 --modes planned --devices 1,2,3,0 --json
node $here/summary.mjs $OUT/run-tp4-peer-devices-1,2,3,0.txt
step tests-tp 300 node --test --test-concurrency=1 --test-reporter=spec dist/test/gpu/tensor-parallel.test.js dist/test/gpu/peer-sum.test.js
grep -E "^ℹ (tests|pass|fail|skipped)|^✖|TP2 peer trace" $OUT/tests-tp.txt | head
cd $OUT && tar czf results.tgz *.txt && rm -f *.txt
