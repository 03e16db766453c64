#!/usr/bin/env bash
set -uo pipefail
source .gpu/env.sh
ln -sfn .gpu-modules/node_modules node_modules
export NANOWEAVE_CACHE_DIR=$(mktemp -d)
timeout -k 2 -s KILL 20 node .exp/v39/flags-probe.mjs 2>&1 | tee $OUT/flags-probe.txt
pkill -9 -f "node "; sleep 1
TESTS="--test-name-pattern=copy dist/test/gpu/tensor-parallel.test.js" TEST_S=60 ROUNDS="${ROUNDS:-1}" SKIP_NCCL=1 GATE=1 bash .exp/v39/gpu-ce1.sh
