#!/usr/bin/env bash
# The plans this folder's later calls run, from the shipped profiles as this session left them: the
# Llama-2-70B TP8 shard on an H100 at contexts 1024-4096 (profiles/H100-SXM.json, merged in the
# second call) and, once the H200 call's merged profile is profiles/H200-SXM.json, TP4 (peer) at
# contexts 1024-4096.
# usage (from the repository root, after npx tsc -p .): bash bench/results/2026-11-22-session37-h100-rows/make-plans.sh [h100|tp4]
set -e
here=bench/results/2026-11-22-session37-h100-rows
source bench/results/2026-11-22-session36-interference-by-rows/plan-functions.sh
case ${1:-h100} in
  h100) for context in 1024 1536 2048 4096; do plan_shard h100 $context profiles/H100-SXM.json $here/plans; done ;;
  tp4) for context in 1024 2048 4096; do plan_tp4 $context profiles/H200-SXM.json $here/plans; done ;;
esac
