#!/usr/bin/env bash
# The graph-hang probes, each in its own process with a hard time limit, then the branch's TP2 copy-engine test.
set -uo pipefail
source .gpu/env.sh
ln -sfn .gpu-modules/node_modules node_modules
export NANOWEAVE_CACHE_DIR=$(mktemp -d)
nvidia-smi --query-gpu=name,driver_version --format=csv,noheader | head -2 | tee $OUT/probe.txt
while read -r v; do
  timeout -k 2 -s KILL 25 node .exp/v40/graph-hang-probe.mjs $v 2>&1 | tail -3 | tee -a $OUT/probe.txt
  pkill -9 -f "node " ; sleep 0.5
done <<'LIST'
eager memop memop pull
graph memop memop none
graph memop memop local
graph memop memop pull
graph kernel memop pull
graph memop spin pull
graph kernel spin pull
graph memop memop kernel-pull
graph memop memop none fork
graph memop memop pull fork
graph kernel spin pull fork
LIST
if [ "${TP_TEST:-1}" = 1 ]; then
  timeout -k 2 -s KILL 120 node --test --test-concurrency=1 --test-reporter=spec --test-name-pattern=copy dist/test/gpu/tensor-parallel.test.js 2>&1 | tail -40 | tee $OUT/tp-test.txt
fi
