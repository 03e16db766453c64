#!/usr/bin/env bash
# One GPU: measure lane switches into the shipped profile, the profile GPU test, shard plans with and
# without lane switches priced, and runs of them and of the shipped plan.
# usage: GPU=h200 PROFILE=profiles/H200-SXM.json SHIPPED=bench/runtime/llama-70b-tp8-shard-h200.plan.json bash gpu-one.sh
set -uo pipefail
source .gpu/env.sh
ln -sfn .gpu-modules/node_modules node_modules
export NANOWEAVE_CACHE_DIR=$(mktemp -d)
hdr="# $(date -u +%FT%TZ) $(nvidia-smi --query-gpu=name,driver_version,power.limit,clocks.max.sm --format=csv,noheader | sort | uniq -c | tr -s ' '), code: commit ${COMMIT:-?}"
t0=$SECONDS
nw() { timeout -k 5 -s KILL ${T:-170} node dist/cli/main.js "$@"; }
cp $PROFILE $OUT/profile-before.json
{ echo "$hdr"; echo "\$ nanoweave profile --only lane-switch --merge --out $PROFILE"; nw profile --only lane-switch --merge --out $PROFILE 2>&1; } > $OUT/profile-lane-switch.txt
cp $PROFILE $OUT/profile-after.json
echo "[profile $((SECONDS-t0)) s]"; tail -2 $OUT/profile-lane-switch.txt; node -e "console.log(JSON.stringify(require('./$PROFILE').laneSwitch))"
{ echo "$hdr"; echo "\$ node --test dist/test/gpu/profile.test.js"; timeout -k 5 -s KILL 300 node --test dist/test/gpu/profile.test.js 2>&1; } > $OUT/test-profile.txt
pkill -9 -f "node " ; echo "[test $((SECONDS-t0)) s]"; grep -E "^# (lane|pass|fail)|^not ok" $OUT/test-profile.txt
P="--model llama-70b --gpus 8 --no-all-reduce --layers 16 --workload decode-1024 --batch 2048 --gpu $GPU"
for v in before after; do
  { echo "$hdr"; echo "\$ nanoweave plan $P --profile profile-$v.json --out shard-$v.plan.json"; nw plan $P --profile $OUT/profile-$v.json --out $OUT/shard-$v.plan.json 2>&1; } > $OUT/plan-$v.txt
  grep -E "^(plan|sequential) |SM layout|nano-batches  [0-9]" $OUT/plan-$v.txt
done
node -e "const a=require('$OUT/shard-before.plan.json'),b=require('$OUT/shard-after.plan.json');const k=p=>p.operations.map(o=>o.id+'@'+o.layout).join(',');console.log('same schedule:', k(a)===k(b), a.prediction.layerUs.toFixed(1), b.prediction.layerUs.toFixed(1))"
run() { # name plan
  { echo "$hdr"; echo "\$ nanoweave run --plan $(basename $2) --iterations 30 --modes planned,sequential"; nw run --plan $2 --iterations 30 --modes planned,sequential 2>&1; } > $OUT/run-$1.txt
  pkill -9 -f "node " ; echo "== $1 [$((SECONDS-t0)) s]"; grep -E "^(planned|sequential|plan) |vs seq|rror" $OUT/run-$1.txt | head -8
}
run after-1 $OUT/shard-after.plan.json
run shipped-1 $SHIPPED
run before-1 $OUT/shard-before.plan.json
run after-2 $OUT/shard-after.plan.json
cd $OUT && tar czf ../p.tgz . && rm -rf ./* && mv ../p.tgz .
