#!/usr/bin/env bash
# Whole-GPU GEMMs after idle vs right after a sustained co-run (after-corun.mjs).
set -uo pipefail
source .gpu/env.sh
ln -sfn .gpu-modules/node_modules node_modules
export NANOWEAVE_CACHE_DIR=$(mktemp -d)
hdr="# $(date -u +%FT%TZ) $(nvidia-smi --query-gpu=name,driver_version,power.limit,clocks.max.sm --format=csv,noheader | sort | uniq -c | tr -s ' '), code: commit ${COMMIT:-?}"
{ echo "$hdr"; echo "\$ node .exp/v36/after-corun.mjs"; timeout 150 node .exp/v36/after-corun.mjs 2>&1; } > $OUT/after-corun-$GPU.txt
cat $OUT/after-corun-$GPU.txt
