#!/usr/bin/env bash
# Tensor parallelism on a GPU host without npm: the 2-GPU runtime test and the NCCL test, then
# `nanoweave run` on a Llama-2-70B TP2 plan cut to 4 layers (1024 decode tokens, context 1024):
#   nanoweave plan --model llama-70b --gpus 2 --layers 4 --workload decode-1024 --batch 1024 --gpu h200
# Sent with .gpu/node.xz, .gpu/env.sh, .gpu-modules (pruned production node_modules), dist and build.
# From the repository root:  source .gpu/env.sh && bash bench/runtime/run-tp-on-device.sh [out-dir]
set -uo pipefail
cd "$(dirname "$0")/../.."
out=${1:-${OUT:-/tmp}}
[ -e node_modules ] || ln -s .gpu-modules/node_modules node_modules
export NANOWEAVE_CACHE_DIR=${NANOWEAVE_CACHE_DIR:-$(mktemp -d)}
plan=bench/runtime/llama-70b-tp2-4layers-h200.plan.json
header() {
  echo "# $(date -u +%Y-%m-%dT%H:%MZ) $(nvidia-smi --query-gpu=name,driver_version --format=csv,noheader | sort | uniq -c | tr -s ' ')"
  echo "# node $(node --version), commit $(git rev-parse --short HEAD 2>/dev/null || echo unknown), NCCL_NVLS_ENABLE=${NCCL_NVLS_ENABLE:-unset}, $(node dist/cli/main.js doctor 2>/dev/null | grep -iE 'cublas|nvrtc|nccl|cuda' | tr -s ' ' | paste -sd';')"
}
{ header; echo "\$ node --test --test-concurrency=1 --test-reporter=spec dist/test/gpu/tensor-parallel.test.js dist/test/gpu/nccl.test.js"
  timeout "${TEST_SECONDS:-70}" node --test --test-concurrency=1 --test-reporter=spec dist/test/gpu/tensor-parallel.test.js dist/test/gpu/nccl.test.js; } > "$out/tp-tests.txt" 2>&1
{ header; echo "\$ nanoweave run --plan $plan --iterations ${ITERATIONS:-30}"
  timeout "${RUN_SECONDS:-90}" node dist/cli/main.js run --plan "$plan" --iterations "${ITERATIONS:-30}" --debug; } > "$out/tp-run.txt" 2>&1
tail -15 "$out/tp-tests.txt"; head -60 "$out/tp-run.txt"
