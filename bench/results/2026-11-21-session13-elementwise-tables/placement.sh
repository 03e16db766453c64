#!/usr/bin/env bash
# GPU=h100|h200: the branch's runtime GPU test (both placements) and nanoweave run, alternating the with-gemms and beside-attention shard plans.
set -uo pipefail
source .gpu/env.sh
ln -sfn .gpu-modules/node_modules node_modules
export NANOWEAVE_CACHE_DIR=$(mktemp -d)
root=$PWD
mkdir -p /tmp/br && cp -r native build package.json configs profiles schema test /tmp/br/ && cp -r .exp/v33/branch/dist /tmp/br/dist && ln -sfn $root/.gpu-modules/node_modules /tmp/br/node_modules
cd /tmp/br
hdr="# $(date -u +%FT%TZ) $(nvidia-smi --query-gpu=name,driver_version,power.limit --format=csv,noheader | sort | uniq -c | tr -s ' '), code: branch experiment/norm-rope-placement ${COMMIT:-?} (main merged in)"
t0=$SECONDS
{ echo "$hdr"; echo "\$ node --test --test-concurrency=1 dist/test/gpu/runtime.test.js"; timeout 240 node --test --test-concurrency=1 dist/test/gpu/runtime.test.js 2>&1; } > $OUT/branch-runtime-test-$GPU.txt
grep -E "^# (pass|fail|skip)" $OUT/branch-runtime-test-$GPU.txt; echo "[runtime test $((SECONDS-t0)) s]"
for round in 1 2; do for which in with-gemms beside-attention; do
  plan=$root/.exp/v33/shard-$GPU-$which.plan.json
  { echo "$hdr"; echo "\$ nanoweave run --plan shard-$GPU-$which.plan.json --iterations 50"; timeout 200 node dist/cli/main.js run --plan $plan --iterations 50 2>&1; } > $OUT/placement-run$round-$GPU-$which.txt
  echo "== round $round $which"; grep -E "^(planned|sequential|plan) |vs seq|error" $OUT/placement-run$round-$GPU-$which.txt | head -8
done; done
echo "[total $((SECONDS-t0)) s]"
cd $OUT && tar czf ../p-$GPU.tgz . && rm -rf ./* && mv ../p-$GPU.tgz .
