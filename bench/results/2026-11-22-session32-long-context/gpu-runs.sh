#!/usr/bin/env bash
# One GPU (h200 or h100): the shipped shard plan at context 1024 (session 29's) as this machine's
# reference, then the shipped profile's plans at longer contexts (plans/shipped/, make-plans.sh),
# each planned against sequential (session 28's run settings: 30 iterations a mode, --json).
# (Call 1 ran them from plans/h200-*.plan.json, since regenerated as plans/shipped/: same plans.)
# usage: COMMIT=abc1234 bash gpu-runs.sh h200|h100 [plan names...]
source bench/results/2026-11-22-session32-long-context/common.sh
gpu=$1; shift
if [ $gpu = h200 ]; then reference=$s29/plans/shard.plan.json; else reference=$s29/raw/h100/shard.plan.json; fi
run $gpu-ctx1024-b2048 $reference
for name in "${@:-ctx1536-b2048 ctx2048-b2048 ctx4096-b2048 ctx2048-b1024 ctx4096-b1024 ctx3072-b2048}"; do
  for plan in $name; do run $gpu-$plan $here/plans/shipped/$gpu-$plan.plan.json; done
done
cd $OUT && tar czf results.tgz *.txt && rm -f *.txt
