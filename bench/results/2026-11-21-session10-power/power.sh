#!/usr/bin/env bash
# GPU=h100|h200 COMMIT=...: NVML header check + runtime GPU tests with the power test, doctor, and the shipped shard run with power figures (nvidia-smi log beside it).
set -uo pipefail
source .gpu/env.sh
ln -sfn .gpu-modules/node_modules node_modules
export NANOWEAVE_CACHE_DIR=$(mktemp -d)
d=$(mktemp -d); g=$GPU
hdr="# $(date -u +%FT%TZ) $(nvidia-smi --query-gpu=name,driver_version --format=csv,noheader | sort | uniq -c | tr -s ' '), code: commit ${COMMIT:-?}"
echo "nvml.h:"; find / -name nvml.h -not -path "/proc/*" 2>/dev/null | head -3
{ echo "$hdr"; echo '$ node --test --test-concurrency=1 dist/test/native/ dist/test/gpu/runtime.test.js'; timeout 300 node --test --test-concurrency=1 dist/test/native/ dist/test/gpu/runtime.test.js 2>&1; } > $d/gpu-tests.txt
grep -E "^# (tests|pass|fail|skipped|duration)|^not ok|^# (power|mode|planned|sequential)|declarations" $d/gpu-tests.txt | head -30
{ echo "$hdr"; echo '$ nanoweave doctor'; node dist/cli/main.js doctor; } > $d/doctor.txt 2>&1; grep -E "NVML|power limit|ok:" $d/doctor.txt
nvidia-smi --query-gpu=timestamp,index,power.draw,power.limit,clocks.sm,clocks_event_reasons.active --format=csv -lms 100 > $d/smi.csv 2>&1 &
smi=$!
for plan in ${PLANS:-bench/runtime/llama-70b-tp8-shard-$g.plan.json}; do
  name=$(basename $plan .plan.json)
  { echo "$hdr"; echo "\$ nanoweave run --plan $plan --iterations 50"; date -u +%T.%N; timeout 240 node dist/cli/main.js run --plan $plan --iterations 50 ${RUNARGS:-}; date -u +%T.%N; } > $d/run-$name.txt 2>&1
  echo "== $name"; grep -E "^(planned|sequential|streams|plan) |vs seq|error|^power|^mode  " $d/run-$name.txt | head -16
done
kill $smi
tar -C $d -czf $OUT/power-$g.tgz .
