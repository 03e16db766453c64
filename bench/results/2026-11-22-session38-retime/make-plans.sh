#!/usr/bin/env bash
# The plans this folder's GPU call runs, from the shipped H200 profile, with the chosen schedule timed
# at each nano-batch's own durations (planner/schedule/retime.ts): Llama-3-8B at context 1024 with
# --batch auto (896 tokens, 512 + 384; --batch best now keeps it) and at 768 tokens (384 + 384, what
# --batch best kept before).
# usage (from the repository root, after npx tsc -p .): bash bench/results/2026-11-22-session38-retime/make-plans.sh
set -e
here=bench/results/2026-11-22-session38-retime
source bench/results/2026-11-22-session36-interference-by-rows/plan-functions.sh
for batch in auto best 768; do plan_8b h200 $batch profiles/H200-SXM.json $here/plans; done
