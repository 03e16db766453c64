#!/usr/bin/env bash
# 4 x H200: does the rank that runs behind follow a GPU or its rank? The TP4 peer plan with GPU 2
# as rank 0 (--devices 2,1,0,3): sums held (each rank's own gaps, apart), then its own peer sums
# (who is late). With the host's GPU/CPU topology.
# usage: COMMIT=abc1234 bash gpu-tp4-ranks.sh
source bench/results/2026-11-22-session27-held-all-reduce/common.sh
step topo 30 nvidia-smi topo -m
cat $OUT/topo.txt
for method in hold peer; do
  step $method-tp4-peer-devices-2103 200 node dist/cli/main.js run --plan $s24/tp4/tp4-peer-after.plan.json --all-reduce $method --devices 2,1,0,3 --iterations 30 --modes planned,sequential --json
  node $here/format.mjs $OUT/$method-tp4-peer-devices-2103.txt | sed -n 1,14p; node $here/format.mjs $OUT/$method-tp4-peer-devices-2103.txt | grep -E "replayed|ar_o"
  node $here/gaps.mjs $s24/tp4/tp4-peer-after.plan.json $OUT/$method-tp4-peer-devices-2103.txt | tail -8
done
cd $OUT && tar czf results.tgz *.txt && rm -f *.txt
