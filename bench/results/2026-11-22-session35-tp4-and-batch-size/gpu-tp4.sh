#!/usr/bin/env bash
# 4 x H200: this folder's TP4 plans with real sums, longest context first.
# usage: COMMIT=abc1234 bash gpu-tp4.sh [PLAN-NAME...]   (default: the peer plans at 4096, 3072, 2048)
source bench/results/2026-11-22-session35-tp4-and-batch-size/common.sh
names=${*:-tp4-peer-ctx4096 tp4-peer-ctx3072 tp4-peer-ctx2048}
for name in $names; do run $name $here/plans/$name.plan.json; done
cd $OUT && tar czf results.tgz *.txt && rm -f *.txt
