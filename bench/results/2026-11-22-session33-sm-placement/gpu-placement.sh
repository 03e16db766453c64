#!/usr/bin/env bash
# On the device machine: builds sm_placement.cu there (cuBLAS headers live there) and runs it,
# writing $OUT/placement.txt. Usage: bash gpu-placement.sh [tpc]
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
nvidia-smi --query-gpu=name,uuid,serial,pci.bus_id,driver_version,power.limit,clocks.max.sm --format=csv | tee "$OUT/placement.txt"
/usr/local/cuda/bin/nvcc -O2 -std=c++17 -arch=sm_90 "$here/sm_placement.cu" -lcuda -lcublas -o /tmp/sm_placement
/tmp/sm_placement "$@" 2>&1 | tee -a "$OUT/placement.txt"
