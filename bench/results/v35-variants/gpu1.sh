#!/usr/bin/env bash
# Scratch: the profile's warm-up and the clocks; the pairs kernel with its claims' atomics read a pair late.
set -uo pipefail
source .gpu/env.sh
ln -sfn .gpu-modules/node_modules node_modules
export NANOWEAVE_CACHE_DIR=$(mktemp -d)
hdr="# $(date -u +%FT%TZ) $(nvidia-smi --query-gpu=name,driver_version,power.limit,clocks.max.sm --format=csv,noheader | sort | uniq -c | tr -s ' ')"
t0=$SECONDS
{ echo "$hdr"; echo "\$ node .exp/v35/warmup-clocks.mjs"; timeout 60 node .exp/v35/warmup-clocks.mjs 2>&1; } > $OUT/warmup-clocks.txt
cat $OUT/warmup-clocks.txt | cut -c1-150; echo "[clocks $((SECONDS-t0)) s]"
{ echo "$hdr"; echo "\$ bash bench/kernels/compare_attention.sh \$OUT/cmp 96,132 .exp/v35/pairs.variants.txt"; timeout 240 bash bench/kernels/compare_attention.sh $OUT/cmp 96,132 .exp/v35/pairs.variants.txt 2>&1; } > $OUT/pairs-compare.txt
grep -E "===|SMs:|FAIL|checks:|REG" $OUT/pairs-compare.txt; echo "[compare $((SECONDS-t0)) s]"
{ echo "$hdr"; python3 bench/kernels/sdpa_bench.py /tmp/sdpa.json 2>&1 | grep -iE "whole|132|default|cudnn" | head; } > $OUT/sdpa.txt
cat $OUT/sdpa.txt; echo "[sdpa $((SECONDS-t0)) s]"
(cd $OUT && tar czf cmp.tgz cmp && rm -rf cmp)
