#!/usr/bin/env bash
# One GPU, after the ranking moved to one green context per group: the whole GPU test suite, what
# ranking keeps of the GPU's memory (memory-check.mjs), and two of the shipped profile's plans run.
# usage: COMMIT=abc1234 bash gpu-verify.sh h200|h100 [points...]
source bench/results/2026-11-22-session33-sm-placement/common.sh
gpu=$1; shift
bash test/gpu/run-on-device.sh $OUT > /dev/null 2>&1
grep -E "^ℹ (tests|pass|fail|skipped|duration)|^✖|groups of|streaming read|free memory" $OUT/addon-tests.txt
step memory-check 60 node $here/memory-check.mjs
cat $OUT/memory-check.txt
for point in ${@:-1024x2048 3072x2048}; do
  name=$gpu-ctx${point%x*}-b${point#*x}
  run verify-$name $here/raw/$gpu-profile/plans/$name.plan.json
done
cd $OUT && tar czf results.tgz *.txt && rm -f *.txt
