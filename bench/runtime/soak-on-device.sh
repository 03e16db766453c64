#!/usr/bin/env bash
# The endurance check on the Llama-2-70B TP8 layer shard (16 layers, 2048 decode tokens, context
# 1024): `nanoweave soak`, ITERATIONS (default 10,000) planned iterations on one fixed batch, host and
# GPU memory sampled every 1,000; it fails (exit 1) if GPU memory grew or host RSS grew past 64 MiB.
# The plans are run-on-device.sh's. Sent with .gpu/node.xz, .gpu/env.sh, .gpu-modules (pruned
# production node_modules), dist and build.
# From the repository root:  source .gpu/env.sh && bash bench/runtime/soak-on-device.sh [out-dir]
set -uo pipefail
cd "$(dirname "$0")/../.."
out=${1:-${OUT:-/tmp}}
source bench/runtime/single-gpu-setup.sh
{ header; echo "\$ nanoweave soak --plan bench/runtime/llama-70b-tp8-shard-$kind.plan.json --iterations ${ITERATIONS:-10000}"
  node dist/cli/main.js soak --plan "bench/runtime/llama-70b-tp8-shard-$kind.plan.json" --iterations "${ITERATIONS:-10000}" --debug
  echo "# exit code $?"; } > "$out/soak-$kind.txt" 2>&1
tail -25 "$out/soak-$kind.txt"
