#!/usr/bin/env bash
# One H200: the shard plan from the profile with sustained-load factors against the shipped shard
# plan, alternating, two runs each.
# usage: NEW=path/to/shard.plan.json COMMIT=abc1234 bash gpu-h200-vs-shipped.sh
set -uo pipefail
source .gpu/env.sh
ln -sfn .gpu-modules/node_modules node_modules
export NANOWEAVE_CACHE_DIR=$(mktemp -d)
hdr="# $(date -u +%FT%TZ) $(nvidia-smi --query-gpu=name,driver_version,power.limit,clocks.max.sm --format=csv,noheader | sort | uniq -c | tr -s ' '), code: commit ${COMMIT:-?}"
t0=$SECONDS
SHIPPED=bench/runtime/llama-70b-tp8-shard-h200.plan.json
run() { # name plan
  { echo "$hdr"; echo "\$ nanoweave run --plan $(basename $2) --iterations 30 --modes planned,sequential"; timeout -k 5 -s KILL 170 node dist/cli/main.js run --plan $2 --iterations 30 --modes planned,sequential 2>&1; } > $OUT/run-$1.txt
  pkill -9 -f "node " ; echo "== $1 [$((SECONDS-t0)) s]"; grep -E "^(planned|sequential|plan) |vs seq|rror" $OUT/run-$1.txt | head -8
}
for i in 1 2; do run shipped-$i $SHIPPED; run sustained-$i $NEW; done
cd $OUT && tar czf ../p.tgz . && rm -rf ./* && mv ../p.tgz .
