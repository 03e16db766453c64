#!/usr/bin/env bash
# 4 x H200: session 24's TP4 plans (peer and NCCL all-reduce) run with `nanoweave run`, whose co-run
# trace now comes from CUPTI on every rank; then the tensor-parallel GPU tests.
# usage: COMMIT=abc1234 bash gpu-tp4.sh
source bench/results/2026-11-22-session25-cupti-trace/common.sh
for method in peer nccl; do
  step run-tp4-$method 300 node dist/cli/main.js run --plan $s24/tp4/tp4-$method-after.plan.json --iterations 30 --modes planned,sequential
  sed -n 3,12p $OUT/run-tp4-$method.txt
done
grep -A50 "^planned: layer" $OUT/run-tp4-peer.txt | head -52
step tests-tp 300 node --test --test-concurrency=1 --test-reporter=spec dist/test/gpu/tensor-parallel.test.js dist/test/gpu/peer-sum.test.js
grep -E "^ℹ (tests|pass|fail|skipped)|^✖" $OUT/tests-tp.txt | head
cd $OUT && tar czf results.tgz *.txt && rm -f *.txt
