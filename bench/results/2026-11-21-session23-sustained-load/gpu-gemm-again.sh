#!/usr/bin/env bash
# One H200: the GEMM section measured again as the profile's code at COMMIT measures it, then the
# table-order experiment against the new table on the same machine (machine or table heat?), a
# shard plan from the new profile and a run of it. PT: seconds the profile may take (330).
# usage: GPU=h200 PROFILE=profiles/H200-SXM.json COMMIT=abc1234 [PT=420] bash gpu-gemm-again.sh
set -uo pipefail
source .gpu/env.sh
ln -sfn .gpu-modules/node_modules node_modules
export NANOWEAVE_CACHE_DIR=$(mktemp -d)
here=bench/results/2026-11-21-session23-sustained-load
hdr="# $(date -u +%FT%TZ) $(nvidia-smi --query-gpu=name,driver_version,power.limit,clocks.max.sm --format=csv,noheader | sort | uniq -c | tr -s ' '), code: commit ${COMMIT:-?}"
t0=$SECONDS
mark() { echo "$(date +%T.%3N) $*" >> $OUT/marks.txt; }
nvidia-smi --query-gpu=timestamp,clocks.sm,clocks.mem,power.draw,temperature.gpu,clocks_event_reasons.active --format=csv -lms 100 > $OUT/smi.csv &
smi=$!
mark start profile
{ echo "$hdr"; echo "\$ nanoweave profile --only gemm --merge --out $PROFILE"; timeout -k 5 -s KILL ${PT:-330} node dist/cli/main.js profile --only gemm --merge --out $PROFILE 2>&1 | tr '\r' '\n' | grep -v "ETA" ; } > $OUT/profile-gemm.txt
mark end profile
cp $PROFILE $OUT/profile-after.json
echo "[profile $((SECONDS-t0)) s]"; tail -2 $OUT/profile-gemm.txt; node -e "console.log(require('./$PROFILE').provenance.notes.filter(n=>n.startsWith('GEMM:')).join('\n'))"
mark start experiment
{ echo "$hdr"; echo "\$ node $here/gemm-table-order.mjs $PROFILE"; timeout -k 5 -s KILL 150 node $here/gemm-table-order.mjs $PROFILE 2>&1; } > $OUT/gemm-table-order.txt
mark end experiment; pkill -9 -f "node " ; echo "[experiment $((SECONDS-t0)) s]"; cat $OUT/gemm-table-order.txt
P="--model llama-70b --gpus 8 --no-all-reduce --layers 16 --workload decode-1024 --batch 2048 --gpu $GPU"
{ echo "$hdr"; echo "\$ nanoweave plan $P --profile profile-after.json --out shard-after.plan.json"; timeout -k 5 -s KILL 100 node dist/cli/main.js plan $P --profile $OUT/profile-after.json --out $OUT/shard-after.plan.json 2>&1; } > $OUT/plan-after.txt
grep -E "^(plan|sequential) |SM layout|nano-batches  [0-9]" $OUT/plan-after.txt
mark start run
{ echo "$hdr"; echo "\$ nanoweave run --plan shard-after.plan.json --iterations 30 --modes planned,sequential"; timeout -k 5 -s KILL 120 node dist/cli/main.js run --plan $OUT/shard-after.plan.json --iterations 30 --modes planned,sequential 2>&1; } > $OUT/run-after-1.txt
mark end run
grep -E "^(planned|sequential|plan) |vs seq|rror" $OUT/run-after-1.txt | head -8
kill $smi
cd $OUT && tar czf ../p.tgz . && rm -rf ./* && mv ../p.tgz .
