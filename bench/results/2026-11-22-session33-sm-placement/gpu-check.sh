#!/usr/bin/env bash
# One GPU, a machine other than the profile's as a rule: the whole GPU test suite
# (test/gpu/run-on-device.sh, into $OUT/addon-tests.txt), then plans made from another machine's
# profile of this session (raw/GPU-profile/plans, the profile now shipped) run here: does a profile
# of ranked remainders vouch for another chip?
# usage: COMMIT=abc1234 bash gpu-check.sh h200|h100 [points...]
source bench/results/2026-11-22-session33-sm-placement/common.sh
gpu=$1; shift
bash test/gpu/run-on-device.sh $OUT > /dev/null 2>&1
grep -E "^ℹ (tests|pass|fail|skipped|duration)|^✖|groups of|streaming read" $OUT/addon-tests.txt
for point in ${@:-1024x2048 3072x2048 4096x2048}; do
  name=$gpu-ctx${point%x*}-b${point#*x}
  run other-$name $here/raw/$gpu-profile/plans/$name.plan.json
done
cd $OUT && tar czf results.tgz *.txt && rm -f *.txt
