#!/usr/bin/env bash
# One GPU: GEMMs at beta 0 and 1 (BETA=1: gemm-beta.mjs); the shard plan's iterations
# (iterations.mjs) without (UNTRACED=1) and then with every kernel traced through CUPTI
# (bench/trace/kernel_trace.cpp, built into .exp/trace/), the kernels as CSV.
# usage: PLAN=path COMMIT=abc1234 [UNTRACED=1] [BETA=1] bash gpu-trace.sh
source bench/results/2026-11-21-session24-where-time-goes/common.sh
[ "${BETA:-0}" = 1 ] && step gemm-beta 150 node $here/gemm-beta.mjs
[ "${UNTRACED:-0}" = 1 ] && step untraced 100 node $here/iterations.mjs $PLAN
step traced 150 env CUDA_INJECTION64_PATH=$PWD/.exp/trace/libkernel_trace.so KERNEL_TRACE_OUT=$OUT/kernels.csv node $here/iterations.mjs $PLAN
wc -l $OUT/kernels.csv; gzip $OUT/kernels.csv
