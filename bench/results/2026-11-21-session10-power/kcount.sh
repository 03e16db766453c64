#!/usr/bin/env bash
# H100: energy per iteration of the shard plan at 2 (shipped), 3 and 4 nano-batches.
set -uo pipefail
source .gpu/env.sh
ln -sfn .gpu-modules/node_modules node_modules
export NANOWEAVE_CACHE_DIR=$(mktemp -d)
d=$(mktemp -d)
hdr="# $(date -u +%FT%TZ) $(nvidia-smi --query-gpu=name,driver_version --format=csv,noheader | sort | uniq -c | tr -s ' '), code: commit ${COMMIT:-?}"
for p in llama-70b-tp8-shard-h100 llama-70b-tp8-shard-h100-k3 llama-70b-tp8-shard-h100-k4; do
  modes=planned; [ $p = llama-70b-tp8-shard-h100 ] && modes=planned,sequential
  { echo "$hdr"; echo "\$ nanoweave run --plan bench/runtime/$p.plan.json --iterations 30 --modes $modes"
    timeout 200 node dist/cli/main.js run --plan bench/runtime/$p.plan.json --iterations 30 --modes $modes; } > $d/run-$p.txt 2>&1
  echo "== $p"; grep -E "^(planned|sequential|plan) |vs seq|error|^power|^mode  " $d/run-$p.txt | head -12
done
tar -C $d -czf $OUT/kcount.tgz .
