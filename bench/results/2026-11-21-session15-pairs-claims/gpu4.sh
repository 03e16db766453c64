#!/usr/bin/env bash
# Scratch: whole-GPU decode attention, ours (kernel_bench --sizes 132) and PyTorch SDPA, alternating
# processes for ROUNDS rounds (each ours: 2 medians of 50 launches; each PyTorch: 2 medians of 50).
set -uo pipefail
hdr="# $(date -u +%FT%TZ) $(nvidia-smi --query-gpu=name,driver_version,power.limit,clocks.max.sm --format=csv,noheader | sort | uniq -c | tr -s ' '), code: commit ${COMMIT:-?}"
work=$(mktemp -d)
bash bench/kernels/build.sh $work/kb > /dev/null 2>&1
{ echo "$hdr"
  for round in $(seq 1 ${ROUNDS:-6}); do
    echo "## round $round"
    $work/kb --kernels native/kernels --sizes 132 --skip-checks 2>&1 | grep -E "SMs:" | cut -c1-100
    python3 .exp/v35/sdpa_whole.py 2 2>&1 | grep pytorch
  done
} | tee $OUT/whole-gpu-$GPU.txt
