#!/usr/bin/env bash
# The Llama-2-70B TP4 plans (8 layers, 2048 decode tokens) this folder runs, from the shipped H200
# profile, at contexts 1024-4096: the peer kernel's all-reduce, and NCCL's at 4096.
# usage (from the repository root, after npx tsc -p .): bash bench/results/2026-11-22-session35-tp4-and-batch-size/make-plans.sh
set -e
here=bench/results/2026-11-22-session35-tp4-and-batch-size
s32=bench/results/2026-11-22-session32-long-context
tp4() { # name context method
  local workload
  case $2 in 1024|4096) workload=decode-$2 ;; *) workload=$s32/workloads/decode-$2.json ;; esac
  node dist/cli/main.js plan --model llama-70b --gpus 4 --layers 8 --all-reduce-method $3 --gpu h200 \
    --profile profiles/H200-SXM.json --workload $workload --batch 2048 --out $here/plans/$1.plan.json --no-gantt > $here/plans/$1.txt 2>&1
  echo "$1: $(grep -E '^(plan|sequential) ' $here/plans/$1.txt | tr -s ' ' | paste -sd'|')| $(grep -o 'compute.*' $here/plans/$1.txt | head -1)"
}
for context in 1024 2048 3072 4096; do tp4 tp4-peer-ctx$context $context peer; done
tp4 tp4-nccl-ctx4096 4096 nccl
