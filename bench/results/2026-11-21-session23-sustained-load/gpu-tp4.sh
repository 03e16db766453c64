#!/usr/bin/env bash
# 4 x H200: TP4 plans (NCCL, peer) from the H200 profile with sustained-load factors and from the one before
# them (BEFORE); runs of the new plans, each with its method, alternating.
set -uo pipefail
source .gpu/env.sh
ln -sfn .gpu-modules/node_modules node_modules
export NANOWEAVE_CACHE_DIR=$(mktemp -d)
hdr="# $(date -u +%FT%TZ) $(nvidia-smi --query-gpu=name,driver_version,power.limit,clocks.max.sm --format=csv,noheader | sort | uniq -c | tr -s ' '), code: commit ${COMMIT:-?}"
t0=$SECONDS
nw() { timeout -k 5 -s KILL ${T:-170} node dist/cli/main.js "$@"; }
P="--model llama-70b --gpus 4 --layers 8 --workload decode-1024 --batch 2048 --gpu h200"
for m in nccl peer; do for v in before after; do
  prof=profiles/H200-SXM.json; [ $v = before ] && prof=$BEFORE
  { echo "$hdr"; echo "\$ nanoweave plan $P --all-reduce-method $m --profile $(basename $prof) --out tp4-$m-$v.plan.json"; nw plan $P --all-reduce-method $m --profile $prof --out $OUT/tp4-$m-$v.plan.json 2>&1; } > $OUT/plan-$m-$v.txt
  echo "-- $m $v"; grep -E "^(plan|sequential) |SM layout|nano-batches  [0-9]" $OUT/plan-$m-$v.txt
done
node -e "const a=require('$OUT/tp4-$m-before.plan.json'),b=require('$OUT/tp4-$m-after.plan.json');const k=p=>p.operations.map(o=>o.id+'@'+o.layout).join(',');console.log('$m same schedule:', k(a)===k(b), a.prediction.layerUs.toFixed(1), b.prediction.layerUs.toFixed(1))"
done
run() { # name plan extra
  { echo "$hdr"; echo "\$ nanoweave run --plan $(basename $2) --iterations 30 --modes planned,sequential ${3:-}"; nw run --plan $2 --iterations 30 --modes planned,sequential ${3:-} 2>&1; } > $OUT/run-$1.txt
  pkill -9 -f "node " ; echo "== $1 [$((SECONDS-t0)) s]"; grep -E "^(planned|sequential|plan) |vs seq|rror|tensor parallel" $OUT/run-$1.txt | head -9
}
run peer-after-1 $OUT/tp4-peer-after.plan.json
run nccl-after-1 $OUT/tp4-nccl-after.plan.json
run peer-after-2 $OUT/tp4-peer-after.plan.json
run nccl-after-2 $OUT/tp4-nccl-after.plan.json
cd $OUT && tar czf ../p.tgz . && rm -rf ./* && mv ../p.tgz .
