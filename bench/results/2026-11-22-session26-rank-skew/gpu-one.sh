#!/usr/bin/env bash
# One GPU: session 24's shard plan for this GPU run twice with `nanoweave run`, whose trace now
# replays the plan's order with the traced op times (what the ops cost against what time between
# them costs); the second run as JSON. Then the GPU tests.
# usage: GPU=h100|h200 COMMIT=abc1234 bash gpu-one.sh
source bench/results/2026-11-22-session26-rank-skew/common.sh
step run-1 240 node dist/cli/main.js run --plan $s24/$GPU-pipelined/shard.plan.json --iterations 30 --modes planned,sequential
step run-2 240 node dist/cli/main.js run --plan $s24/$GPU-pipelined/shard.plan.json --iterations 30 --modes planned,sequential --json
sed -n 3,12p $OUT/run-1.txt; grep -E "busy:|replayed" $OUT/run-1.txt; node $here/summary.mjs $OUT/run-2.txt | head -3
mkdir -p $OUT/tests; timeout -k 5 -s KILL 330 bash test/gpu/run-on-device.sh $OUT/tests > /dev/null 2>&1
echo "[tests $((SECONDS-t0)) s]"; grep -E "^ℹ (tests|pass|fail|skipped)|^✖" $OUT/tests/*.txt | head -20
cd $OUT && tar czf results.tgz *.txt tests && rm -rf tests *.txt
