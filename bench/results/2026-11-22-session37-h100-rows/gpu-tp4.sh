#!/usr/bin/env bash
# 4 x H200: the TP4 peer plans of plans/ (from the H200 profile with attention beside RMSNorm), on
# the same machine session 36's plan at context 4096, and on its first GPU the Llama-3-8B
# --batch auto plan of plans/.
# usage: COMMIT=abc1234 bash gpu-tp4.sh
source bench/results/2026-11-22-session37-h100-rows/common.sh
for context in 4096 2048 1024; do run s37-tp4-peer-ctx$context $here/plans/tp4-peer-ctx$context.plan.json; done
run s36-tp4-peer-ctx4096 $s36/plans/tp4-peer-ctx4096.plan.json
run s37-llama3-8b-h200-auto $here/plans/llama3-8b-h200-auto.plan.json
cd $OUT && tar czf results.tgz *.txt && rm -f *.txt
