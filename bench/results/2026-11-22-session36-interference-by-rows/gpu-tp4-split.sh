#!/usr/bin/env bash
# 4 x H200: the TP4 peer plans made again once a GEMM's factors in a split of three are read at its
# partners' SMs (plans/ at 87e4fd3), and on the same machine session 35's plan at context 4096.
# usage: COMMIT=abc1234 bash gpu-tp4-split.sh
source bench/results/2026-11-22-session36-interference-by-rows/common.sh
for context in 4096 2048 1024; do run split-tp4-peer-ctx$context $here/plans/tp4-peer-ctx$context.plan.json; done
run s35-tp4-peer-ctx4096 $s35/plans/tp4-peer-ctx4096.plan.json
cd $OUT && tar czf results.tgz *.txt && rm -f *.txt
