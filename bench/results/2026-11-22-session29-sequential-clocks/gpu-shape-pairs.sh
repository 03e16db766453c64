#!/usr/bin/env bash
# 1 x H200: shape-pairs.mjs, each shard GEMM beside attention on the shard plans' split.
# usage: COMMIT=abc1234 bash gpu-shape-pairs.sh
source bench/results/2026-11-22-session29-sequential-clocks/common.sh
step shape-pairs 200 node $here/shape-pairs.mjs
cat $OUT/shape-pairs.txt
