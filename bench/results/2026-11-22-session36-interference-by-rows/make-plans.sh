#!/usr/bin/env bash
# The plans this folder's later calls run, from the shipped H200 profile with GEMM beside attention
# by GEMM rows (this folder's first call's $OUT/H200-SXM.json, committed as profiles/H200-SXM.json):
# Llama-3-8B --batch best and auto, the TP8 shard at contexts 1024-4096 and TP4 (peer) at 1024-4096.
# usage (from the repository root, after npx tsc -p .): bash bench/results/2026-11-22-session36-interference-by-rows/make-plans.sh
set -e
here=bench/results/2026-11-22-session36-interference-by-rows
source $here/plan-functions.sh
for batch in best auto; do plan_8b h200 $batch profiles/H200-SXM.json $here/plans; done
for context in 1024 2048 3072 4096; do plan_shard h200 $context profiles/H200-SXM.json $here/plans; done
for context in 1024 2048 4096; do plan_tp4 $context profiles/H200-SXM.json $here/plans; done
