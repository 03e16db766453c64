#!/usr/bin/env bash
# 4 x H200, third call: the shipped TP4 plan with peer and with NCCL, each with and without
# CUDA_DEVICE_MAX_CONNECTIONS=32 (hardware work queues per GPU; the driver's default is 8).
set -uo pipefail
source .gpu/env.sh
ln -sfn .gpu-modules/node_modules node_modules
export NANOWEAVE_CACHE_DIR=$(mktemp -d)
hdr="# $(date -u +%FT%TZ) $(nvidia-smi --query-gpu=name,driver_version,power.limit,clocks.max.sm --format=csv,noheader | sort | uniq -c | tr -s ' '), code: commit ${COMMIT:-?}"
t0=$SECONDS
run() { # name plan extra env
  { echo "$hdr"; echo "\$ ${4:-}nanoweave run --plan $(basename $2) --iterations 30 --modes planned,sequential $3"; env ${4:-} timeout -k 5 -s KILL 170 node dist/cli/main.js run --plan $2 --iterations 30 --modes planned,sequential $3 2>&1; } > $OUT/run-$1.txt
  pkill -9 -f "node " ; echo "== $1 [$((SECONDS-t0)) s]"; grep -E "^(planned|sequential|plan) |vs seq|rror|prediction|tensor parallel" $OUT/run-$1.txt | head -12
  awk '/with its ops running together/,/^sequential:/' $OUT/run-$1.txt | grep -E "span|busy|gate_up|ffn_in.1.rmsnorm" | head -12
}
S=bench/runtime/llama-70b-tp4-8layers-h200.plan.json
run shipped-peer-conn32 $S "--all-reduce peer" "CUDA_DEVICE_MAX_CONNECTIONS=32 "
run shipped-nccl-conn32 $S "--all-reduce nccl" "CUDA_DEVICE_MAX_CONNECTIONS=32 "
run shipped-peer $S "--all-reduce peer"
run shipped-nccl $S "--all-reduce nccl"
cd $OUT && tar czf ../p.tgz . && rm -rf ./* && mv ../p.tgz .
