#!/usr/bin/env bash
# One GPU: wide-partners.mjs (GEMM and attention factors on memory partitions of 20 to 52 SMs).
# usage: COMMIT=abc1234 bash gpu-partners.sh
source bench/results/2026-11-22-session32-long-context/common.sh
step wide-partners 420 node $here/wide-partners.mjs
cat $OUT/wide-partners.txt
cd $OUT && tar czf results.tgz *.txt && rm -f *.txt
