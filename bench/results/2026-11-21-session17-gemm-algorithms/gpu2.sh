#!/bin/bash
# Session 17 call 2: sweep of cuBLASLt configurations alone and beside the hog.
set -u
cd "$(dirname "$0")"
{ date -u; nvidia-smi --query-gpu=name,driver_version --format=csv,noheader; } > $OUT/lt-sweep.txt
/usr/local/cuda/bin/nvcc -O2 -arch=sm_90 lt_corun.cu -lcublasLt -lcublas -lcuda -o lt_corun 2>&1 | tail -5
timeout 500 ./lt_corun 1024 112 sweep gate_up,down,o,qkv >> $OUT/lt-sweep.txt 2>&1
grep -v "^algo id" $OUT/lt-sweep.txt | tail -c 11500
