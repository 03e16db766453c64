#!/usr/bin/env bash
# Builds the kernel harness and runs it on this machine's GPU: every kernel compiled by NVRTC and
# checked, decode attention timed on every green-context partition beside the read limit, PyTorch's
# SDPA beside it. Run from the repository root on a GPU machine with CUDA 13 and PyTorch:
#   bash bench/kernels/run.sh [OUT_DIR]
# OUT_DIR gets <date>-<gpu>-attention.txt (all output) and .json (all numbers).
set -euo pipefail
out=${1:-${OUT:-bench/results}}
cuda=${CUDA_HOME:-/usr/local/cuda}
mkdir -p "$out"
gpu=$(nvidia-smi --query-gpu=name --format=csv,noheader | head -1 | tr 'A-Z' 'a-z' | grep -oE 'h100|h200|a100|b200|l40s' || echo gpu)
stem="$out/$(date -u +%F)-$gpu-attention"
work=$(mktemp -d)
log="$stem.txt"
export PYTHONUNBUFFERED=1

{
  echo "# bash bench/kernels/run.sh, $(date -u '+%F %T UTC'), commit $(git rev-parse --short HEAD 2>/dev/null || echo none)"
  nvidia-smi --query-gpu=name,driver_version,memory.total,clocks.max.sm,clocks.max.mem --format=csv
  "$cuda/bin/nvcc" --version | tail -2
  bash bench/kernels/build.sh "$work/kernel_bench"
  echo "## memcheck of the correctness checks"
  timeout 180 compute-sanitizer --tool memcheck --print-limit 20 "$work/kernel_bench" --checks-only \
    | grep -E "FAIL|checks:|ERROR SUMMARY|=========" || true
  echo "## checks and attention bench"
  mkdir -p "$work/cubins"
  set +e
  "$work/kernel_bench" --kernels native/kernels --json "$work/ours.json" --cubins "$work/cubins"
  status=$?
  set -e
  for kernel in decode_attention decode_attention_pairs; do
    echo "## $kernel SASS: instruction counts"
    cuobjdump -res-usage "$work/cubins/$kernel.cubin" | grep -E "REG|STACK|SHARED" || true
    cuobjdump -sass "$work/cubins/$kernel.cubin" > "$work/$kernel.sass"
    for op in LDG LDGSTS HMMA MOVM DEPBAR LDL STL BRA; do
      printf '  %-8s %s\n' "$op" "$(grep -cE "\b$op\b|\b$op\." "$work/$kernel.sass" || true)"
    done
  done
  echo "## PyTorch SDPA"
  python3 bench/kernels/sdpa_bench.py "$work/sdpa.json"
  echo "## table"
  python3 bench/kernels/report.py "$work/ours.json" "$work/sdpa.json" "$stem.json"
  exit $status
} 2>&1 | tee "$log"
