#!/usr/bin/env bash
# Builds the kernel harness (host code only: it links the driver API and NVRTC directly).
#   bash bench/kernels/build.sh OUTPUT_BINARY
set -euo pipefail
cuda=${CUDA_HOME:-/usr/local/cuda}
here=$(dirname "$0")
g++ -std=c++17 -O2 -fopenmp -Wall -I"$cuda/include" "$here"/*.cpp -o "$1" \
  -L"$cuda/lib64" -L"$cuda/lib64/stubs" -Wl,-rpath,"$cuda/lib64" -lnvrtc -lcuda
