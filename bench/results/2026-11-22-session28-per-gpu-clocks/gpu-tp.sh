#!/usr/bin/env bash
# 4 x H200: each GPU's clock beside each rank's op times. The TP4 peer plan (session 24's) with its
# own peer sums, then with each sum held for its planned time (no rank waits for another); then
# TP2 on GPUs 0 and 1 with the steady-state layer: plans made this session from the shipped H200
# profile, for the peer kernel and for NCCL.
# usage: COMMIT=abc1234 bash gpu-tp.sh
source bench/results/2026-11-22-session28-per-gpu-clocks/common.sh
run tp4-peer $s24/tp4/tp4-peer-after.plan.json --all-reduce peer
run tp4-hold $s24/tp4/tp4-peer-after.plan.json --all-reduce hold
run tp2-peer $here/plans/tp2-peer.plan.json --devices 0,1
run tp2-nccl $here/plans/tp2-nccl.plan.json --devices 0,1
cd $OUT && tar czf results.tgz *.txt && rm -f *.txt
