#!/usr/bin/env bash
# 4 x H200: the peer all-reduce. GPU tests of tensor parallelism (NCCL and peer), then the shipped TP4
# plan with the peer all-reduce and with NCCL, alternating.
set -uo pipefail
source .gpu/env.sh
ln -sfn .gpu-modules/node_modules node_modules
export NANOWEAVE_CACHE_DIR=$(mktemp -d)
hdr="# $(date -u +%FT%TZ) $(nvidia-smi --query-gpu=name,driver_version,power.limit,clocks.max.sm --format=csv,noheader | sort | uniq -c | tr -s ' '), code: commit ${COMMIT:-?}"
t0=$SECONDS
if [ -z "${SKIP_TESTS:-}" ]; then
{ echo "$hdr"; echo "\$ node --test --test-concurrency=1 --test-reporter=spec ${TESTS:-dist/test/gpu/tensor-parallel.test.js}"; timeout -k 5 -s KILL ${TEST_S:-240} node --test --test-concurrency=1 --test-reporter=spec ${TESTS:-dist/test/gpu/tensor-parallel.test.js} 2>&1; } > $OUT/tests-tp.txt
pkill -9 -f "node " ; sleep 1
grep -E "^# |^✔|^✖|ℹ (tests|pass|fail|skipped)|rror|TP2" $OUT/tests-tp.txt | head -30; echo "[tests $((SECONDS-t0)) s]"
if ! grep -q "^✔ the peer all-reduce" $OUT/tests-tp.txt; then echo "peer test did not pass: no runs"; tail -40 $OUT/tests-tp.txt; cd $OUT && tar czf ../p.tgz . && rm -rf ./* && mv ../p.tgz .; exit 0; fi
fi
plan=${PLAN:-bench/runtime/llama-70b-tp4-8layers-h200.plan.json}
run() { # name extra-args
  { echo "$hdr"; echo "\$ nanoweave run --plan $plan --iterations 30 --modes planned,sequential $2"; timeout -k 5 -s KILL 170 node dist/cli/main.js run --plan $plan --iterations 30 --modes planned,sequential $2 2>&1; } > $OUT/run-$1.txt
  pkill -9 -f "node " ; echo "== $1 [$((SECONDS-t0)) s]"; grep -E "^(planned|sequential|plan) |vs seq|rror|prediction" $OUT/run-$1.txt | head -12; grep -E "all_reduce" $OUT/run-$1.txt | head -14
}
for r in ${ROUNDS:-1 2}; do
  run peer-$r "--all-reduce peer"
  run nccl-$r ""
done
cd $OUT && tar czf ../p.tgz . && rm -rf ./* && mv ../p.tgz .
