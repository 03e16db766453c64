#!/usr/bin/env bash
# 4 x H200: the tensor-parallel GPU tests (the planned mode's remainder made of ranked groups on each
# rank's GPU), then session 29's shipped TP4 peer plan with real sums, run by the runtime before this
# session (old) and by this session's (new-runtime), and the TP4 peer plan from this session's
# shipped H200 profile (plans/h200-tp4-peer.plan.json) run by this session's runtime.
# usage: COMMIT=abc1234 bash gpu-tp4.sh
source bench/results/2026-11-22-session33-sm-placement/common.sh
step tp-tests 300 node --test --test-concurrency=1 dist/test/gpu/tensor-parallel.test.js
grep -E "^# (tests|pass|fail|skipped)|^not ok" $OUT/tp-tests.txt
old old-tp4-peer $s29/plans/tp4-peer.plan.json --all-reduce peer
run new-runtime-tp4-peer $s29/plans/tp4-peer.plan.json --all-reduce peer
run new-tp4-peer $here/plans/h200-tp4-peer.plan.json --all-reduce peer
cd $OUT && tar czf results.tgz *.txt && rm -f *.txt
