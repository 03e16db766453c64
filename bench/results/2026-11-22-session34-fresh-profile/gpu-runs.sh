#!/usr/bin/env bash
# One GPU (h200 or h100): the profile GPU test (a quick profile through the CLI, validated), then
# `nanoweave run` of the plan from this folder's fresh profile (raw/GPU-profile/plans/) and of the
# shipped profile's plan (plans/shipped/) at each RUN context, fresh first.
# usage: COMMIT=abc1234 bash gpu-runs.sh h200|h100 "RUN..."
source bench/results/2026-11-22-session34-fresh-profile/common.sh
gpu=$1 runs=$2
step profile-test 240 node --test dist/test/gpu/profile.test.js
grep -E "^# (pass|fail|skipped)|^not ok" $OUT/profile-test.txt
for context in $runs; do
  run fresh-$gpu-ctx$context $here/raw/$gpu-profile/plans/$gpu-ctx$context-b2048.plan.json
  run shipped-$gpu-ctx$context $here/plans/shipped/$gpu-ctx$context-b2048.plan.json
done
cd $OUT && tar czf results.tgz *.txt && rm -f *.txt
