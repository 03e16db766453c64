#!/usr/bin/env bash
# One GPU, second call on the machine gpu-profile.sh ran on (its plans in .work/): before and after
# on one machine. old-*: the runtime before this session running the plans it shipped with (session
# 29's context-1024 plan, session 32's longer-context plans); new-runtime-*: this session's runtime
# running the same plan; new-*: this session's runtime running the plans from gpu-profile.sh's profile.
# usage: COMMIT=abc1234 bash gpu-runs.sh h200|h100 [contexts...]
source bench/results/2026-11-22-session33-sm-placement/common.sh
gpu=$1; shift
plans=$here/raw/$gpu-profile/plans
if [ $gpu = h200 ]; then reference=$s29/plans/shard.plan.json; else reference=$s29/raw/h100/shard.plan.json; fi
old old-$gpu-ctx1024-b2048 $reference
run new-runtime-$gpu-ctx1024-b2048 $reference
for point in ${@:-2048x2048 4096x2048 3072x2048}; do
  name=$gpu-ctx${point%x*}-b${point#*x}
  old old-$name $s32/plans/shipped/$name.plan.json
  run new-$name $plans/$name.plan.json
done
cd $OUT && tar czf results.tgz *.txt && rm -f *.txt
