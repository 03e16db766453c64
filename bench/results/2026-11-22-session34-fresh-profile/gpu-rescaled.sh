#!/usr/bin/env bash
# One GPU (h200 or h100): `nanoweave run` of the plans made from the shipped profiles after their
# scaled attention points were recomputed (rescale-attention.mjs; plans/rescaled/) at each RUN
# context; then, if SUITE is given, the whole GPU test suite (npm run test:gpu's files).
# usage: COMMIT=abc1234 bash gpu-rescaled.sh h200|h100 "RUN..." [suite]
source bench/results/2026-11-22-session34-fresh-profile/common.sh
gpu=$1 runs=$2 suite=${3:-}
for context in $runs; do run rescaled-$gpu-ctx$context $here/plans/rescaled/$gpu-ctx$context-b2048.plan.json; done
if [ -n "$suite" ]; then
  step gpu-tests 420 node --test --test-concurrency=1 dist/test/native/ dist/test/gpu/
  grep -E "^# (tests|pass|fail|skipped)|^not ok" $OUT/gpu-tests.txt
fi
cd $OUT && tar czf results.tgz *.txt && rm -f *.txt
