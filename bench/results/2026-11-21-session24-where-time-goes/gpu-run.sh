#!/usr/bin/env bash
# One GPU: the shard plan made from the shipped profile (now with each op's sequential time), run
# with both modes, then optionally the GPU tests (TESTS=1).
# usage: GPU=h100 COMMIT=abc1234 [TESTS=1] bash gpu-run.sh
source bench/results/2026-11-21-session24-where-time-goes/common.sh
step plan 120 node dist/cli/main.js plan --model llama-70b --gpus 8 --no-all-reduce --layers 16 --workload decode-1024 --batch 2048 --gpu $GPU --out $OUT/shard.plan.json
grep -E "^(plan|sequential) |SM layout" $OUT/plan.txt
step run 200 node dist/cli/main.js run --plan $OUT/shard.plan.json --iterations 30 --modes planned,sequential
sed -n 3,60p $OUT/run.txt
if [ "${TESTS:-0}" = 1 ]; then
  mkdir -p $OUT/tests; timeout -k 5 -s KILL 300 bash test/gpu/run-on-device.sh $OUT/tests > /dev/null 2>&1
  echo "[tests $((SECONDS-t0)) s]"; grep -E "^ℹ (tests|pass|fail|skipped)|^✖" $OUT/tests/addon-tests.txt | head
fi
