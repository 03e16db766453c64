#!/usr/bin/env bash
# Plans (no GPU needed) of the Llama-2-70B TP8 layer shard (16 layers, no all-reduces) at 1024 or
# 2048 decode tokens and context 1024 to 4096, from PROFILE (default: the shipped profile of GPU),
# into OUTDIR/GPU-ctxC-bB.plan.json with the planner's output beside each; one summary line each.
# usage, from the repository root: bash make-plans.sh h200|h100 OUTDIR [PROFILE]
set -uo pipefail
here=bench/results/2026-11-22-session32-long-context
gpu=$1 outdir=$2 profile=${3:-}
mkdir -p $outdir
workload() { case $1 in 1024|4096) echo decode-$1 ;; *) echo $here/workloads/decode-$1.json ;; esac; }
for point in 1024x2048 1536x2048 2048x2048 3072x2048 4096x2048 2048x1024 4096x1024; do
  context=${point%x*} batch=${point#*x} name=$gpu-ctx${point%x*}-b${point#*x}
  node dist/cli/main.js plan --model llama-70b --gpus 8 --gpu $gpu ${profile:+--profile $profile} --no-all-reduce --layers 16 \
    --workload $(workload $context) --batch $batch --out $outdir/$name.plan.json --no-gantt > $outdir/$name.txt 2>&1 \
    || { echo "$name: $(tail -1 $outdir/$name.txt)"; continue; }
  echo "$name: $(grep -E '^(plan|sequential) ' $outdir/$name.txt | tr -s ' ' | paste -sd'|')| $(grep 'SM layout     split' $outdir/$name.txt | grep -o 'compute.*')"
done
