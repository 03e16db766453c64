#!/usr/bin/env bash
# Session 17 call 4: the fixed declarations check and GEMM test, and call 3's table verified.
set -uo pipefail
source .gpu/env.sh
ln -sfn .gpu-modules/node_modules node_modules
export NANOWEAVE_CACHE_DIR=$(mktemp -d)
hdr="# $(date -u +%FT%TZ) $(nvidia-smi --query-gpu=name,driver_version --format=csv,noheader), code: commit ${COMMIT:-?} + working tree"
{ echo "$hdr"; echo "\$ node --test dist/test/native/declarations.test.js dist/test/gpu/gemm.test.js"; timeout 120 node --test dist/test/native/declarations.test.js dist/test/gpu/gemm.test.js 2>&1; } > $OUT/tests-h100.txt
grep -E "^# (pass|fail|skip)|^not ok|^# [0-9]+ algorithms" $OUT/tests-h100.txt
{ echo "$hdr"; echo "\$ node .exp/v37/verify-table.mjs .exp/v37/gemm-algorithms-h100.json"; timeout 120 node .exp/v37/verify-table.mjs .exp/v37/gemm-algorithms-h100.json 2>&1; } > $OUT/verify-h100.txt
cat $OUT/verify-h100.txt
