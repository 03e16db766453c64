#!/bin/bash
# Session 17 call 1: cuBLASLt algorithms alone and beside a streaming-read hog.
set -u
cd "$(dirname "$0")"
{ date -u; nvidia-smi --query-gpu=name,driver_version,clocks.max.sm --format=csv,noheader; } > $OUT/lt-corun.txt
/usr/local/cuda/bin/nvcc -O2 -arch=sm_90 lt_corun.cu -lcublasLt -lcublas -lcuda -o lt_corun 2>&1 | tail -5
for t in 1024 2048; do ./lt_corun $t 112 >> $OUT/lt-corun.txt 2>&1; done
tail -c 11000 $OUT/lt-corun.txt
