#!/usr/bin/env bash
set -uo pipefail
nvidia-smi --query-gpu=name,driver_version,power.limit --format=csv,noheader | head -4
nvidia-smi topo -m | head -8
timeout 150 python3 .exp/v39/ce_probe.py 2>&1 | tee $OUT/ce-default.txt
NCCL_MAX_CTAS=8 NCCL_MIN_CTAS=8 timeout 150 python3 .exp/v39/ce_probe.py 2>&1 | tee $OUT/ce-nccl8.txt
