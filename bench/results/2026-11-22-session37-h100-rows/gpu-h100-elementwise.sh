#!/usr/bin/env bash
# 1 x H100: GEMM beside attention by rows merged again into a copy of the shipped profile, now with
# attention's slowdown beside RMSNorm (partnerElementwiseFactor) on each split ($OUT/H100-SXM.json).
# usage: COMMIT=abc1234 bash gpu-h100-elementwise.sh
source bench/results/2026-11-22-session37-h100-rows/common.sh
merge_rows profiles/H100-SXM.json $OUT/H100-SXM.json
cd $OUT && tar czf results.tgz *.txt H100-SXM.json && rm -rf *.txt
