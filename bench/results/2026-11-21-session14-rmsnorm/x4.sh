#!/usr/bin/env bash
# 4 x H200: TP4 shipped plan against the one re-planned from session 14's profile, alternating, two
# rounds; then TP2's shipped plan once (the re-planned one keeps its placement).
set -uo pipefail
source .gpu/env.sh
ln -sfn .gpu-modules/node_modules node_modules
export NANOWEAVE_CACHE_DIR=$(mktemp -d)
d=$OUT
hdr="# $(date -u +%FT%TZ) $(nvidia-smi --query-gpu=name,driver_version,power.limit --format=csv,noheader | sort | uniq -c | tr -s ' '), code: commit ${COMMIT:-?}"
t0=$SECONDS
run() {  # name plan devices iterations
  { echo "$hdr"; echo "\$ nanoweave run --plan $2 --iterations $4 --devices $3"
    timeout 150 node dist/cli/main.js run --plan $2 --iterations $4 --devices $3 2>&1; } > $d/run-$1.txt 2>&1
  echo "== $1 rc=$? $(date -u +%T)"; grep -E "^(planned|sequential|plan) |vs seq|error|^(planned|sequential)  .*MHz" $d/run-$1.txt | head -9
}
for round in 1 2; do
  run tp4-shipped-$round bench/runtime/llama-70b-tp4-8layers-h200.plan.json 0,1,2,3 30
  run tp4-replanned-$round .exp/v34/tp4-replanned.plan.json 0,1,2,3 30
done
[ $((SECONDS-t0)) -lt 420 ] && run tp2-shipped bench/runtime/llama-70b-tp2-8layers-h200.plan.json 0,1 30
echo "[total $((SECONDS-t0)) s]"
cd $d && tar czf ../x4.tgz . && rm -rf ./* && mv ../x4.tgz .
