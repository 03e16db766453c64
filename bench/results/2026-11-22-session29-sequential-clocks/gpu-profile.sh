#!/usr/bin/env bash
# 1 x H200 or H100: the GEMM tables (whole-GPU points first) and the sustained-load section (with
# its sequential GEMM factors) measured into a copy of the shipped profile; then the whole-GPU
# points of six big GEMM shapes each measured cool, against the shipped profile and the new one.
# usage: GPU=h100|h200 COMMIT=abc1234 bash gpu-profile.sh
source bench/results/2026-11-22-session29-sequential-clocks/common.sh
measure_profile profiles/$([ "$GPU" = h100 ] && echo H100-SXM || echo H200-SXM).json
cd $OUT && tar czf results.tgz *.txt profile.json && rm -f *.txt profile.json
