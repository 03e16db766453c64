#!/usr/bin/env bash
# One H100: session 24's H100 shard plan twice (text, JSON) with a layer in steady state; then
# every GPU test.
# usage: COMMIT=abc1234 bash gpu-h100.sh
source bench/results/2026-11-22-session27-held-all-reduce/common.sh
step slope-shard-1 240 node dist/cli/main.js run --plan $s24/h100-pipelined/shard.plan.json --iterations 30 --modes planned,sequential
sed -n 3,14p $OUT/slope-shard-1.txt; grep -E "replayed" $OUT/slope-shard-1.txt
step slope-shard-2 240 node dist/cli/main.js run --plan $s24/h100-pipelined/shard.plan.json --iterations 30 --modes planned,sequential --json
node $here/format.mjs $OUT/slope-shard-2.txt | sed -n 4,14p; node $here/format.mjs $OUT/slope-shard-2.txt | grep -E "replayed"
mkdir -p $OUT/tests; timeout -k 5 -s KILL 400 bash test/gpu/run-on-device.sh $OUT/tests > /dev/null 2>&1
echo "[tests $((SECONDS-t0)) s]"; grep -E "^ℹ (tests|pass|fail|skipped)|^✖" $OUT/tests/*.txt | head -20
cd $OUT && tar czf results.tgz *.txt tests && rm -rf tests *.txt
