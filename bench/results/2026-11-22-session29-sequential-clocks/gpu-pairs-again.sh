#!/usr/bin/env bash
# 1 x H200: shape-pairs.mjs's two sets in one call, the shard's GEMMs, gate/up over rows, the shard's again.
# usage: COMMIT=abc1234 bash gpu-pairs-again.sh
source bench/results/2026-11-22-session29-sequential-clocks/common.sh
step pairs-shard-1 120 node $here/shape-pairs.mjs
PAIRS=rows step pairs-rows 120 node $here/shape-pairs.mjs
step pairs-shard-2 120 node $here/shape-pairs.mjs
for name in pairs-shard-1 pairs-rows pairs-shard-2; do sed -n 4,100p $OUT/$name.txt; done
cd $OUT && tar czf results.tgz *.txt && rm -f *.txt
