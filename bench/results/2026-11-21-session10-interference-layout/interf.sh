#!/usr/bin/env bash
# GPU=h100|h200 COMMIT=...: re-measure attention-interference in the plan layout, re-plan the shard, run shipped and re-planned (power figures).
set -uo pipefail
source .gpu/env.sh
ln -sfn .gpu-modules/node_modules node_modules
export NANOWEAVE_CACHE_DIR=$(mktemp -d)
d=$(mktemp -d); g=$GPU; G=$(echo $g | tr a-z A-Z)
hdr="# $(date -u +%FT%TZ) $(nvidia-smi --query-gpu=name,driver_version --format=csv,noheader | sort | uniq -c | tr -s ' '), code: commit ${COMMIT:-?}"
{ echo "$hdr"; echo "\$ nanoweave profile --only attention-interference --merge"
  /usr/bin/time -f "wall %e s" node dist/cli/main.js profile --only attention-interference --merge 2>&1 | tr '\r' '\n' | grep -v "^\s*$" | tail -4; } > $d/profile.txt 2>&1
tail -2 $d/profile.txt; cp profiles/$G-SXM.json $d/
node -e "const p=require('./profiles/$G-SXM.json'); for (const x of p.interference.gemmWithAttention) console.log(JSON.stringify(x))"
shard=$d/llama-70b-tp8-shard-$g.plan.json
{ echo "$hdr"; echo "\$ nanoweave plan --model llama-70b --gpus 8 --no-all-reduce --layers 16 --workload decode-1024 --batch 2048 --gpu $g"
  node dist/cli/main.js plan --model llama-70b --gpus 8 --no-all-reduce --layers 16 --workload decode-1024 --batch 2048 --gpu $g --out $shard --no-gantt; } > $d/plan-shard.txt 2>&1
grep -E "SM layout|nano-batches|^plan |^sequential |speedup|predicted" $d/plan-shard.txt | head -8
for which in replanned shipped; do
  plan=$shard; [ $which = shipped ] && plan=bench/runtime/llama-70b-tp8-shard-$g.plan.json
  { echo "$hdr"; echo "\$ nanoweave run --plan $plan --iterations 50  # $which"
    timeout 200 node dist/cli/main.js run --plan $plan --iterations 50; } > $d/run-shard-$which.txt 2>&1
  echo "== $which"; grep -E "^(planned|sequential|plan) |vs seq|error|^power|^mode  " $d/run-shard-$which.txt | head -14
done
tar -C $d -czf $OUT/interf-$g.tgz .
