#!/usr/bin/env bash
# One GPU: session 24's shard plan for this GPU (same schedule as the shipped profile's) run twice
# with `nanoweave run`, whose co-run trace now comes from CUPTI; then the GPU tests.
# usage: GPU=h100|h200 COMMIT=abc1234 bash gpu-one.sh
source bench/results/2026-11-22-session25-cupti-trace/common.sh
for i in 1 2; do
  step run-$i 240 node dist/cli/main.js run --plan $s24/$GPU-pipelined/shard.plan.json --iterations 30 --modes planned,sequential
done
sed -n 3,12p $OUT/run-1.txt; grep -A30 "^planned: layer" $OUT/run-1.txt
mkdir -p $OUT/tests; timeout -k 5 -s KILL 330 bash test/gpu/run-on-device.sh $OUT/tests > /dev/null 2>&1
echo "[tests $((SECONDS-t0)) s]"; grep -E "^ℹ (tests|pass|fail|skipped)|^✖" $OUT/tests/*.txt | head -20
grep -E "# layer .* traced" $OUT/tests/*.txt | cut -c1-600
cd $OUT && tar czf results.tgz *.txt tests && rm -rf tests *.txt
