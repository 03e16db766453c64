#!/usr/bin/env bash
# 4 x H200: nanoweave tune on the shipped TP4 plan (window stage on GPU 0, in-situ choice on all 4),
# then the plan without and with the table.
set -uo pipefail
source .gpu/env.sh
ln -sfn .gpu-modules/node_modules node_modules
export NANOWEAVE_CACHE_DIR=$(mktemp -d)
hdr="# $(date -u +%FT%TZ) $(nvidia-smi --query-gpu=name,driver_version,power.limit,clocks.max.sm --format=csv,noheader | sort | uniq -c | tr -s ' '), code: commit ${COMMIT:-?}"
t0=$SECONDS
plan=bench/runtime/llama-70b-tp4-8layers-h200.plan.json
table=$OUT/llama-70b-tp4-8layers-h200.gemm-algorithms.json
{ echo "$hdr"; echo "\$ nanoweave tune --plan $plan --out $table"; timeout 330 node dist/cli/main.js tune --plan $plan --out $table 2>&1; } > $OUT/tune-tp4.txt
tail -14 $OUT/tune-tp4.txt; echo "[tune $((SECONDS-t0)) s]"
run() { # name extra-args
  { echo "$hdr"; echo "\$ nanoweave run --plan $plan --iterations 30 --modes planned,sequential $2"; timeout 110 node dist/cli/main.js run --plan $plan --iterations 30 --modes planned,sequential $2 2>&1; } > $OUT/run-tp4-$1.txt
  echo "== $1"; grep -E "^(planned|sequential|plan) |vs seq|rror" $OUT/run-tp4-$1.txt | head -8
}
if [ -s $table ]; then
  run default-1 ""
  run tuned-1 "--gemm-algorithms $table"
fi
echo "[runs $((SECONDS-t0)) s]"
cd $OUT && tar czf ../s18-tp4.tgz . && rm -rf ./* && mv ../s18-tp4.tgz .
