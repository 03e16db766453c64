#!/usr/bin/env bash
# 4 x H200: NVML tests, then the shipped TP4 and TP2 plans with power figures (nvidia-smi log beside).
set -uo pipefail
source .gpu/env.sh
ln -sfn .gpu-modules/node_modules node_modules
export NANOWEAVE_CACHE_DIR=$(mktemp -d)
d=$(mktemp -d)
hdr="# $(date -u +%FT%TZ) $(nvidia-smi --query-gpu=name,driver_version --format=csv,noheader | sort | uniq -c | tr -s ' '), code: commit ${COMMIT:-?}"
{ echo "$hdr"; echo '$ node --test --test-concurrency=1 dist/test/native/ dist/test/gpu/runtime.test.js'; timeout 200 node --test --test-concurrency=1 dist/test/native/ dist/test/gpu/runtime.test.js 2>&1; } > $d/gpu-tests.txt
grep -E "^# (tests|pass|fail|skipped|duration)|^not ok" $d/gpu-tests.txt
{ echo "$hdr"; echo '$ nanoweave doctor'; node dist/cli/main.js doctor; } > $d/doctor.txt 2>&1; grep -E "NVML|power limit|ok:" $d/doctor.txt
nvidia-smi --query-gpu=timestamp,index,power.draw,power.limit,clocks.sm,clocks_event_reasons.active --format=csv -lms 100 > $d/smi.csv 2>&1 &
smi=$!
run() {  # name plan devices
  { echo "$hdr"; echo "\$ nanoweave run --plan $2 --iterations 30 --devices $3"; date -u +%T.%N
    timeout 200 node dist/cli/main.js run --plan $2 --iterations 30 --devices $3; date -u +%T.%N; } > $d/run-$1.txt 2>&1
  echo "== $1 rc=$?"; grep -E "^(planned|sequential|streams|plan) |vs seq|error|^power|^mode  " $d/run-$1.txt | head -16
}
run tp4-shipped bench/runtime/llama-70b-tp4-8layers-h200.plan.json 0,1,2,3
run tp2-shipped bench/runtime/llama-70b-tp2-8layers-h200.plan.json 0,1
kill $smi
tar -C $d -czf $OUT/tp.tgz .
