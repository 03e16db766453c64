#!/usr/bin/env bash
# One H200: the attention section measured twice more into copies of call 3's profile (does a
# remainder's table repeat on one machine?), then the shipped shard plan (this machine's reference)
# and the plans planned (with the interference read by rows) from call 3's profile, plans/h200-remeasured/.
# usage: COMMIT=abc1234 bash gpu-remeasured.sh
source bench/results/2026-11-22-session32-long-context/common.sh
for i in 1 2; do
  cp $here/raw/h200-profile/profile.json $OUT/attention-$i.json
  step attention-$i 120 node dist/cli/main.js profile --only attention --merge --out $OUT/attention-$i.json
done
run shipped-ctx1024-b2048 $s29/plans/shard.plan.json
for name in ctx1024-b2048 ctx2048-b2048 ctx4096-b2048 ctx3072-b2048 ctx1536-b2048 ctx2048-b1024; do
  run $name $here/plans/h200-remeasured/h200-$name.plan.json
done
cd $OUT && tar czf results.tgz *.txt *.json && rm -f *.txt *.json
