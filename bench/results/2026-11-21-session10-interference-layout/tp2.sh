#!/usr/bin/env bash
# 4 x H200: shipped and re-planned (profile with the plan-layout attention interference) TP4 and TP2 plans, with power figures.
set -uo pipefail
source .gpu/env.sh
ln -sfn .gpu-modules/node_modules node_modules
export NANOWEAVE_CACHE_DIR=$(mktemp -d)
d=$(mktemp -d)
hdr="# $(date -u +%FT%TZ) $(nvidia-smi --query-gpu=name,driver_version --format=csv,noheader | sort | uniq -c | tr -s ' '), code: commit ${COMMIT:-?}"
run() {  # name plan devices
  { echo "$hdr"; echo "\$ nanoweave run --plan $2 --iterations 30 --devices $3"
    timeout 200 node dist/cli/main.js run --plan $2 --iterations 30 --devices $3; } > $d/run-$1.txt 2>&1
  echo "== $1 rc=$?"; grep -E "^(planned|sequential|plan) |vs seq|error|^planned vs" $d/run-$1.txt | head -8
}
[ "${TP4:-1}" = 1 ] && run tp4-replanned .exp/v30/tpplans/llama-70b-tp4-8layers-h200.plan.json 0,1,2,3
[ "${TP4:-1}" = 1 ] && run tp4-shipped bench/runtime/llama-70b-tp4-8layers-h200.plan.json 0,1,2,3
run tp2-replanned .exp/v30/tpplans/llama-70b-tp2-8layers-h200.plan.json 0,1
run tp2-shipped bench/runtime/llama-70b-tp2-8layers-h200.plan.json 0,1
tar -C $d -czf $OUT/tp2.tgz .
