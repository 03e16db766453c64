#!/usr/bin/env bash
# 2 x H200: the tensor-parallel GPU tests, then with real sums the TP2 plans (Llama-2-70B, 8
# layers, 2048 tokens at context 1024) from the shipped H200 profile, peer and NCCL
# (plans/shipped/h200-tp2-*.plan.json, made with `nanoweave plan --model llama-70b --gpus 2
# --layers 8 --all-reduce-method peer|nccl --gpu h200 --workload decode-1024 --batch 2048`), and
# session 29's TP2 peer plan, all run by today's runtime (memory partitions of ranked groups).
# usage: COMMIT=abc1234 bash gpu-tp2.sh
source bench/results/2026-11-22-session34-fresh-profile/common.sh
step tp-tests 300 node --test --test-concurrency=1 dist/test/gpu/tensor-parallel.test.js
grep -E "^# (tests|pass|fail|skipped)|^not ok" $OUT/tp-tests.txt
run shipped-tp2-peer $here/plans/shipped/h200-tp2-peer.plan.json --all-reduce peer
run shipped-tp2-nccl $here/plans/shipped/h200-tp2-nccl.plan.json --all-reduce nccl
run s29-tp2-peer $s29/plans/tp2-peer.plan.json --all-reduce peer
cd $OUT && tar czf results.tgz *.txt && rm -f *.txt
