#!/usr/bin/env bash
# GPU=h100|h200: session 18. GPU tests of nanoweave tune (and the runtime after the lanes change),
# nanoweave tune on the shipped shard plan, then the plan run without and with the table, alternating.
set -uo pipefail
source .gpu/env.sh
ln -sfn .gpu-modules/node_modules node_modules
export NANOWEAVE_CACHE_DIR=$(mktemp -d)
hdr="# $(date -u +%FT%TZ) $(nvidia-smi --query-gpu=name,driver_version,power.limit,clocks.max.sm --format=csv,noheader | sort | uniq -c | tr -s ' '), code: commit ${COMMIT:-?}"
t0=$SECONDS
if [ "${TESTS:-1}" = 1 ]; then
{ echo "$hdr"; echo "\$ node --test --test-concurrency=1 --test-reporter=spec dist/test/gpu/tune.test.js dist/test/gpu/runtime.test.js"; timeout 300 node --test --test-concurrency=1 --test-reporter=spec dist/test/gpu/tune.test.js dist/test/gpu/runtime.test.js 2>&1; } > $OUT/tests-$GPU.txt
grep -E "^# |^✔|^✖|ℹ (tests|pass|fail|skipped)" $OUT/tests-$GPU.txt | head -40; echo "[tests $((SECONDS-t0)) s]"
fi
plan=bench/runtime/llama-70b-tp8-shard-$GPU.plan.json
table=$OUT/llama-70b-tp8-shard-$GPU.gemm-algorithms.json
{ echo "$hdr"; echo "\$ nanoweave tune --plan $plan --out $table"; timeout 400 node dist/cli/main.js tune --plan $plan --out $table 2>&1; } > $OUT/tune-$GPU.txt
tail -16 $OUT/tune-$GPU.txt; echo "[tune $((SECONDS-t0)) s]"
run() { # name extra-args
  { echo "$hdr"; echo "\$ nanoweave run --plan $plan --iterations 50 --modes planned,sequential $2"; timeout 100 node dist/cli/main.js run --plan $plan --iterations 50 --modes planned,sequential $2 2>&1; } > $OUT/run-$GPU-$1.txt
  echo "== $1"; grep -E "^(planned|sequential|plan) |vs seq|rror" $OUT/run-$GPU-$1.txt | head -8
}
if [ -s $table ]; then
  run default-1 ""
  run tuned-1 "--gemm-algorithms $table"
  run default-2 ""
  run tuned-2 "--gemm-algorithms $table"
fi
echo "[runs $((SECONDS-t0)) s]"
cd $OUT && tar czf ../s18b-$GPU.tgz . && rm -rf ./* && mv ../s18b-$GPU.tgz .
