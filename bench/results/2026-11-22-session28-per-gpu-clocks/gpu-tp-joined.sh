#!/usr/bin/env bash
# 4 x H200, after an iteration ends on rank 0 only once every rank has: the TP4 peer plan with its
# sums held (now the slowest rank's pace) beside its own peer sums, in one call; then the
# tensor-parallel and peer-sum GPU tests.
# usage: COMMIT=abc1234 bash gpu-tp-joined.sh
source bench/results/2026-11-22-session28-per-gpu-clocks/common.sh
run joined-tp4-hold $s24/tp4/tp4-peer-after.plan.json --all-reduce hold
run joined-tp4-peer $s24/tp4/tp4-peer-after.plan.json --all-reduce peer
step tests-tp 300 node --test --test-concurrency=1 --test-reporter=spec dist/test/gpu/tensor-parallel.test.js dist/test/gpu/peer-sum.test.js
grep -E "^ℹ (tests|pass|fail|skipped)|^✖|# TP2|not ok" $OUT/tests-tp.txt | head -20
cd $OUT && tar czf results.tgz *.txt && rm -f *.txt
