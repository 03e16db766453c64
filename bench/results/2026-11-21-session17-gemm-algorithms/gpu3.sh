#!/usr/bin/env bash
# GPU=h100|h200: session 17 call 3. The cuBLASLt declarations and GEMM tests, a GEMM algorithm table
# for the shipped shard plan (tune.mjs), then the plan run with and without it, alternating.
set -uo pipefail
source .gpu/env.sh
ln -sfn .gpu-modules/node_modules node_modules
export NANOWEAVE_CACHE_DIR=$(mktemp -d)
root=$PWD
hdr="# $(date -u +%FT%TZ) $(nvidia-smi --query-gpu=name,driver_version,power.limit,clocks.max.sm --format=csv,noheader | sort | uniq -c | tr -s ' '), code: commit ${COMMIT:-?} + working tree"
t0=$SECONDS
{ echo "$hdr"; echo "\$ node --test dist/test/native/declarations.test.js dist/test/gpu/gemm.test.js"; timeout 120 node --test dist/test/native/declarations.test.js dist/test/gpu/gemm.test.js 2>&1; } > $OUT/tests-$GPU.txt
grep -E "^# (pass|fail|skip)|^not ok" $OUT/tests-$GPU.txt; echo "[tests $((SECONDS-t0)) s]"
shipped=$root/bench/runtime/llama-70b-tp8-shard-$GPU.plan.json
table=$OUT/gemm-algorithms-$GPU.json
{ echo "$hdr"; echo "\$ node .exp/v37/tune.mjs $shipped $table"; timeout 300 node .exp/v37/tune.mjs $shipped $table 2>&1; } > $OUT/tune-$GPU.txt
grep -vE "^    " $OUT/tune-$GPU.txt | tail -12; echo "[tune $((SECONDS-t0)) s]"
run() { # name extra-args
  { echo "$hdr"; echo "\$ nanoweave run --plan $shipped --iterations 50 $2"; timeout 100 node dist/cli/main.js run --plan $shipped --iterations 50 $2 2>&1; } > $OUT/run-$GPU-$1.txt
  echo "== $1"; grep -E "^(planned|sequential|streams|plan) |vs seq|rror" $OUT/run-$GPU-$1.txt | head -8
}
if [ -s $table ]; then
  run default-1 ""
  run tuned-1 "--gemm-algorithms $table"
  run default-2 ""
  run tuned-2 "--gemm-algorithms $table"
fi
echo "[runs $((SECONDS-t0)) s]"
cd $OUT && tar czf ../s17-$GPU.tgz . && rm -rf ./* && mv ../s17-$GPU.tgz .
