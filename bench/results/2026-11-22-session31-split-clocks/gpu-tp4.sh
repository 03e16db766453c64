#!/usr/bin/env bash
# 4 x H200: the shipped TP4 plans (session 29's, from the shipped H200 profile) with real sums: peer
# and NCCL; session 24's TP4 peer plan beside them; this session's first-call TP4 peer plan
# (raw/h200-first/, session 30's cool tables with the pipelined split factors); and the shipped
# peer plan with each sum held. Printed with each rank's op times and clocks (session 28's run()).
# usage: COMMIT=abc1234 bash gpu-tp4.sh
source bench/results/2026-11-22-session31-split-clocks/common.sh
run tp4-peer-s29 $s29/plans/tp4-peer.plan.json --all-reduce peer
run tp4-nccl-s29 $s29/plans/tp4-nccl.plan.json --all-reduce nccl
run tp4-peer-s24 $s24/tp4/tp4-peer-after.plan.json --all-reduce peer
run tp4-peer-split $here/raw/h200-first/plans/cool-split-tp4.plan.json --all-reduce peer
run tp4-hold-s29 $s29/plans/tp4-peer.plan.json --all-reduce hold
cd $OUT && tar czf results.tgz *.txt && rm -f *.txt
