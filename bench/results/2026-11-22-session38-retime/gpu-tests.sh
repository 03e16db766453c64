#!/usr/bin/env bash
# The GPU test suite (npm run test:gpu's files, or the FILES given), after the planner's changes of
# sessions 35-38 (the last suite ran in session 34): on one H100 the whole suite, on 2 H200s the
# files that need several GPUs.
# usage: COMMIT=abc1234 bash gpu-tests.sh [FILES...]
source bench/results/2026-11-22-session38-retime/common.sh
step gpu-tests 480 node --test --test-concurrency=1 ${@:-dist/test/native/ dist/test/gpu/}
grep -E "^# (tests|pass|fail|skipped|duration)|^not ok" $OUT/gpu-tests.txt
cd $OUT && tar czf results.tgz *.txt && rm -f *.txt
