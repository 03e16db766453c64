#!/usr/bin/env bash
# H200: the shipped shard plan and the one re-planned from today's profile, alternating, two rounds.
set -uo pipefail
source .gpu/env.sh
ln -sfn .gpu-modules/node_modules node_modules
export NANOWEAVE_CACHE_DIR=$(mktemp -d)
hdr="# $(date -u +%FT%TZ) $(nvidia-smi --query-gpu=name,driver_version,power.limit --format=csv,noheader | sort | uniq -c | tr -s ' '), code: commit ${COMMIT:-?} + uncommitted persistent rmsnorm"
t0=$SECONDS
for round in 1 2; do for which in shipped replanned; do
  plan=$( [ $which = shipped ] && echo bench/runtime/llama-70b-tp8-shard-h200.plan.json || echo .exp/v34/replanned-h200.plan.json )
  { echo "$hdr"; echo "\$ nanoweave run --plan $plan --iterations 50"; timeout 150 node dist/cli/main.js run --plan $plan --iterations 50 2>&1; } > $OUT/run-h200-$which-$round.txt
  echo "== $which $round"; grep -E "^(planned|sequential|plan) |vs seq|error|^(planned|sequential)  .*MHz" $OUT/run-h200-$which-$round.txt | head -10
done; done
echo "[total $((SECONDS-t0)) s]"
cd $OUT && tar czf ../s14-h200-b.tgz . && rm -rf ./* && mv ../s14-h200-b.tgz .
