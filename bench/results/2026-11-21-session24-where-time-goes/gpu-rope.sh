#!/usr/bin/env bash
# One GPU: rope_kv_append timed over KV caches of different spans (rope-span.mjs), then the GPU tests.
# usage: COMMIT=abc1234 bash gpu-rope.sh
set -uo pipefail
source .gpu/env.sh
ln -sfn .gpu-modules/node_modules node_modules
export NANOWEAVE_CACHE_DIR=$(mktemp -d)
here=bench/results/2026-11-21-session24-where-time-goes
hdr="# $(date -u +%FT%TZ) $(nvidia-smi --query-gpu=name,driver_version,power.limit,clocks.max.sm --format=csv,noheader | sort | uniq -c | tr -s ' '), code: commit ${COMMIT:-?}"
t0=$SECONDS
{ echo "$hdr"; echo "\$ node $here/rope-span.mjs"; timeout -k 5 -s KILL 120 node $here/rope-span.mjs 2>&1; } > $OUT/rope-span.txt
pkill -9 -f "node "; echo "[experiment $((SECONDS-t0)) s]"; cat $OUT/rope-span.txt
if [ "${TESTS:-1}" = 1 ]; then
  mkdir -p $OUT/tests
  { echo "$hdr"; timeout -k 5 -s KILL 400 bash test/gpu/run-on-device.sh $OUT/tests > /dev/null 2>&1; } 
  echo "[tests $((SECONDS-t0)) s]"; grep -E "^# (tests|pass|fail|skipped)|^✖|not ok" $OUT/tests/addon-tests.txt | head -20
fi
