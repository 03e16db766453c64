#!/usr/bin/env bash
# The plans this folder's later calls run, from the shipped profiles: the Llama-2-70B TP8 shard on
# an H100 at contexts 1024-4096 (h100: profiles/H100-SXM.json as merged in the second call, at
# 9597772, before attention's stretch counted the element-wise kernels' time alone); and (h200)
# from the H200 call's merged profile, profiles/H200-SXM.json: TP4 (peer) at contexts 1024-4096, the
# shard at 3072 and Llama-3-8B --batch auto and best.
# usage (from the repository root, after npx tsc -p .): bash bench/results/2026-11-22-session37-h100-rows/make-plans.sh h100|h200
set -e
here=bench/results/2026-11-22-session37-h100-rows
source bench/results/2026-11-22-session36-interference-by-rows/plan-functions.sh
case $1 in
  h100) for context in 1024 1536 2048 4096; do plan_shard h100 $context profiles/H100-SXM.json $here/plans; done ;;
  h200)
    for context in 1024 2048 4096; do plan_tp4 $context profiles/H200-SXM.json $here/plans; done
    plan_shard h200 3072 profiles/H200-SXM.json $here/plans
    for batch in auto best; do plan_8b h200 $batch profiles/H200-SXM.json $here/plans; done ;;
esac
