#!/usr/bin/env bash
# 4 x H200: the experiment plan of make-variant.mjs (TP4 at context 4096 with no network partition,
# the all-reduces on the compute partition: 96 | 36) and session 37's plan (88 | 36 | 8), alternating.
# usage: COMMIT=abc1234 bash gpu-tp4.sh
source bench/results/2026-11-22-session38-retime/common.sh
run s38-tp4-ar-on-compute-ctx4096 $here/plans/tp4-peer-ctx4096-ar-on-compute.plan.json
run s37-tp4-peer-ctx4096 $s37/plans/tp4-peer-ctx4096.plan.json
run s38-tp4-ar-on-compute-ctx4096-2 $here/plans/tp4-peer-ctx4096-ar-on-compute.plan.json
cd $OUT && tar czf results.tgz *.txt && rm -f *.txt
