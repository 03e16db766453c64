#!/usr/bin/env bash
# One H200: the shard plan with every op on the split (planned from the shipped profile with its
# pipelined GEMM factor raised to 1.35, which moves the whole-GPU ops into the split) and the plan
# from the measured factor, run alternately.
# usage: COMMIT=abc1234 bash gpu-all-split.sh
set -uo pipefail
source .gpu/env.sh
ln -sfn .gpu-modules/node_modules node_modules
export NANOWEAVE_CACHE_DIR=$(mktemp -d)
here=bench/results/2026-11-21-session24-where-time-goes/raw
hdr="# $(date -u +%FT%TZ) $(nvidia-smi --query-gpu=name,driver_version,power.limit,clocks.max.sm --format=csv,noheader | sort | uniq -c | tr -s ' '), code: commit ${COMMIT:-?}"
t0=$SECONDS
for i in 1 2; do
  for p in h200-all-split/all-split h200-pipelined/shard; do
    name=run-$(basename $p)-$i
    { echo "$hdr"; echo "\$ nanoweave run --plan $(basename $p).plan.json --iterations 30 --modes planned,sequential"; timeout -k 5 -s KILL 200 node dist/cli/main.js run --plan $here/$p.plan.json --iterations 30 --modes planned,sequential 2>&1; } > $OUT/$name.txt
    pkill -9 -f "node "; echo "[$name $((SECONDS-t0)) s]"; grep -E "^(planned|sequential|plan) |vs seq|rror" $OUT/$name.txt
  done
done
