#!/usr/bin/env bash
# 4 x H200: does the rank that reaches the O all-reduce last follow the rank or the GPU? The peer
# TP4 plan with rank 0 on GPU 1 (--devices 1,2,3,0), then on GPU 0 again, in one call.
# usage: COMMIT=abc1234 bash gpu-tp4-devices.sh
source bench/results/2026-11-22-session25-cupti-trace/common.sh
for devices in 1,2,3,0 0,1,2,3; do
  step run-tp4-peer-devices-$devices 300 node dist/cli/main.js run --plan $s24/tp4/tp4-peer-after.plan.json --iterations 30 --modes planned --devices $devices --json
  node -e '
    const r = JSON.parse(require("fs").readFileSync(process.argv[1], "utf8").split("\n").slice(2).join("\n"));
    const p = r.modes[0];
    console.log(process.argv[2], "layer", p.layerUs.toFixed(1));
    for (const op of p.coRun.operations.filter((o) => o.id.startsWith("ar_") || o.id.startsWith("attn."))) console.log(" ", op.id.padEnd(22), op.measuredUs.toFixed(1), op.leastRankUs.toFixed(1), op.mostRankUs.toFixed(1));
  ' $OUT/run-tp4-peer-devices-$devices.txt $devices
done
cd $OUT && tar czf results.tgz *.txt && rm -f *.txt
