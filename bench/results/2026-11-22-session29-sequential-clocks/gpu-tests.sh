#!/usr/bin/env bash
# 1 x H200: every GPU test at this session's last code.
# usage: COMMIT=abc1234 bash gpu-tests.sh
source bench/results/2026-11-22-session29-sequential-clocks/common.sh
bash test/gpu/run-on-device.sh $OUT > /dev/null 2>&1
grep -E "^ℹ (tests|pass|fail|skipped)|^✖" $OUT/addon-tests.txt | head
