#!/usr/bin/env bash
# One GPU: rope_kv_append timed over KV caches of different spans (rope-span.mjs), then the GPU tests.
# usage: COMMIT=abc1234 bash gpu-rope.sh
source bench/results/2026-11-21-session24-where-time-goes/common.sh
step rope-span 120 node $here/rope-span.mjs
cat $OUT/rope-span.txt
if [ "${TESTS:-1}" = 1 ]; then
  mkdir -p $OUT/tests
  { echo "$hdr"; timeout -k 5 -s KILL 400 bash test/gpu/run-on-device.sh $OUT/tests > /dev/null 2>&1; } 
  echo "[tests $((SECONDS-t0)) s]"; grep -E "^# (tests|pass|fail|skipped)|^✖|not ok" $OUT/tests/addon-tests.txt | head -20
fi
