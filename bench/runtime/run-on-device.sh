#!/usr/bin/env bash
# The runtime's GPU tests and `nanoweave run` on the Llama-2-70B TP8 layer shard (16 layers, 2048
# decode tokens, context 1024), on a GPU host without npm. The plans were made by
#   nanoweave plan --model llama-70b --gpus 8 --no-all-reduce --layers 16 --workload decode-1024 --batch 2048 --gpu h100|h200
# Sent with .gpu/node.xz, .gpu/env.sh, .gpu-modules (pruned production node_modules), dist and build.
# From the repository root:  source .gpu/env.sh && bash bench/runtime/run-on-device.sh [out-dir]
set -uo pipefail
cd "$(dirname "$0")/../.."
out=${1:-${OUT:-/tmp}}
source bench/runtime/single-gpu-setup.sh
{ header; echo "\$ node --test --test-reporter=spec dist/test/gpu/runtime.test.js"; node --test --test-reporter=spec dist/test/gpu/runtime.test.js; } > "$out/runtime-tests-$kind.txt" 2>&1
{ header; echo "\$ nanoweave run --plan bench/runtime/llama-70b-tp8-shard-$kind.plan.json --iterations ${ITERATIONS:-100}"
  node dist/cli/main.js run --plan "bench/runtime/llama-70b-tp8-shard-$kind.plan.json" --iterations "${ITERATIONS:-100}" --debug; } > "$out/run-$kind.txt" 2>&1
tail -5 "$out/runtime-tests-$kind.txt"; cat "$out/run-$kind.txt" | head -40
