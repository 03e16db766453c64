#!/usr/bin/env bash
# One GPU: the per-kernel sustained-load experiment, the sustained-load section merged into the
# shipped profile, shard plans from the profile before and after, runs of both (and one with CUDA's
# default 8 hardware queues, against run's 32), and the profile GPU test. nvidia-smi logs clocks
# and power throughout (smi.csv; marks.txt says what ran when).
# usage: GPU=h200 PROFILE=profiles/H200-SXM.json COMMIT=abc1234 bash gpu-one.sh
set -uo pipefail
source .gpu/env.sh
ln -sfn .gpu-modules/node_modules node_modules
export NANOWEAVE_CACHE_DIR=$(mktemp -d)
here=bench/results/2026-11-21-session23-sustained-load
hdr="# $(date -u +%FT%TZ) $(nvidia-smi --query-gpu=name,driver_version,power.limit,clocks.max.sm --format=csv,noheader | sort | uniq -c | tr -s ' '), code: commit ${COMMIT:-?}"
t0=$SECONDS
nw() { timeout -k 5 -s KILL ${T:-170} node dist/cli/main.js "$@"; }
mark() { echo "$(date +%T.%3N) $*" >> $OUT/marks.txt; }
nvidia-smi --query-gpu=timestamp,clocks.sm,clocks.mem,power.draw,temperature.gpu,clocks_event_reasons.active --format=csv -lms 100 > $OUT/smi.csv &
smi=$!
mark start experiment
{ echo "$hdr"; echo "\$ node $here/sustain-shapes.mjs"; timeout -k 5 -s KILL 150 node $here/sustain-shapes.mjs 2>&1; } > $OUT/sustain-shapes.txt
mark end experiment; pkill -9 -f "node " ; echo "[experiment $((SECONDS-t0)) s]"; cat $OUT/sustain-shapes.txt
cp $PROFILE $OUT/profile-before.json
mark start profile
{ echo "$hdr"; echo "\$ nanoweave profile --only sustained-load --merge --out $PROFILE"; nw profile --only sustained-load --merge --out $PROFILE 2>&1; } > $OUT/profile-sustained-load.txt
mark end profile
cp $PROFILE $OUT/profile-after.json
echo "[profile $((SECONDS-t0)) s]"; tail -2 $OUT/profile-sustained-load.txt; node -e "console.log(JSON.stringify(require('./$PROFILE').sustainedLoad))"
P="--model llama-70b --gpus 8 --no-all-reduce --layers 16 --workload decode-1024 --batch 2048 --gpu $GPU"
for v in before after; do
  { echo "$hdr"; echo "\$ nanoweave plan $P --profile profile-$v.json --out shard-$v.plan.json"; nw plan $P --profile $OUT/profile-$v.json --out $OUT/shard-$v.plan.json 2>&1; } > $OUT/plan-$v.txt
  grep -E "^(plan|sequential) |SM layout|nano-batches  [0-9]" $OUT/plan-$v.txt
done
node -e "const a=require('$OUT/shard-before.plan.json'),b=require('$OUT/shard-after.plan.json');const k=p=>p.operations.map(o=>o.id+'@'+o.layout).join(',');console.log('same schedule:', k(a)===k(b), a.prediction.layerUs.toFixed(1), b.prediction.layerUs.toFixed(1))"
run() { # name plan [env]
  mark start run $1
  { echo "$hdr"; echo "\$ ${3:-}nanoweave run --plan $(basename $2) --iterations 30 --modes planned,sequential"; env ${3:-} timeout -k 5 -s KILL 170 node dist/cli/main.js run --plan $2 --iterations 30 --modes planned,sequential 2>&1; } > $OUT/run-$1.txt
  mark end run $1
  pkill -9 -f "node " ; echo "== $1 [$((SECONDS-t0)) s]"; grep -E "^(planned|sequential|plan) |vs seq|rror|span|busy" $OUT/run-$1.txt | head -14
}
run after-1 $OUT/shard-after.plan.json
run before-1 $OUT/shard-before.plan.json
run after-queues8 $OUT/shard-after.plan.json "CUDA_DEVICE_MAX_CONNECTIONS=8 "
run after-2 $OUT/shard-after.plan.json
mark start test
{ echo "$hdr"; echo "\$ node --test dist/test/gpu/profile.test.js"; timeout -k 5 -s KILL 300 node --test dist/test/gpu/profile.test.js 2>&1; } > $OUT/test-profile.txt
mark end test
pkill -9 -f "node " ; echo "[test $((SECONDS-t0)) s]"; grep -E "^# (lane|sustained|pass|fail)|^not ok" $OUT/test-profile.txt
kill $smi
cd $OUT && tar czf ../p.tgz . && rm -rf ./* && mv ../p.tgz .
