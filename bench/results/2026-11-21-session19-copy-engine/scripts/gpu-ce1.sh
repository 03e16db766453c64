#!/usr/bin/env bash
# 4 x H200: the copy-engine all-reduce. GPU tests of tensor parallelism (NCCL and copy engines), then
# the shipped TP4 plan with NCCL, then with the copy engines.
set -uo pipefail
source .gpu/env.sh
ln -sfn .gpu-modules/node_modules node_modules
export NANOWEAVE_CACHE_DIR=$(mktemp -d)
hdr="# $(date -u +%FT%TZ) $(nvidia-smi --query-gpu=name,driver_version,power.limit,clocks.max.sm --format=csv,noheader | sort | uniq -c | tr -s ' '), code: commit ${COMMIT:-?}"
t0=$SECONDS
{ echo "$hdr"; echo "\$ node --test --test-concurrency=1 --test-reporter=spec dist/test/gpu/tensor-parallel.test.js"; timeout -k 5 -s KILL ${TEST_S:-120} node --test --test-concurrency=1 --test-reporter=spec ${TESTS:-dist/test/gpu/tensor-parallel.test.js} 2>&1; } > $OUT/tests-tp.txt
pkill -9 -f "node " ; sleep 1; nvidia-smi --query-gpu=index,utilization.gpu,memory.used --format=csv,noheader
grep -E "^# |^✔|^✖|ℹ (tests|pass|fail|skipped)|rror" $OUT/tests-tp.txt | head -30; echo "[tests $((SECONDS-t0)) s]"
if [ -n "${GATE:-}" ] && ! grep -q "^ℹ pass [1-9]" $OUT/tests-tp.txt; then echo "tests did not pass: no runs"; cd $OUT && tar czf ../ce1.tgz . && rm -rf ./* && mv ../ce1.tgz .; exit 0; fi
plan=${PLAN:-bench/runtime/llama-70b-tp4-8layers-h200.plan.json}
run() { # name extra-args
  { echo "$hdr"; echo "\$ nanoweave run --plan $plan --iterations 30 --modes planned,sequential $2"; timeout -k 5 -s KILL 150 node dist/cli/main.js run --plan $plan --iterations 30 --modes planned,sequential $2 2>&1; } > $OUT/run-$1.txt
  pkill -9 -f "node " ; echo "== $1 [$((SECONDS-t0)) s]"; grep -E "^(planned|sequential|plan) |vs seq|rror|all_reduce|ar_" $OUT/run-$1.txt | head -24
}
for r in ${ROUNDS:-1}; do
  [ -n "${SKIP_NCCL:-}" ] || run nccl-$r ""
  run ce-$r "--all-reduce copy-engine"
done
cd $OUT && tar czf ../ce1.tgz . && rm -rf ./* && mv ../ce1.tgz .
