#!/usr/bin/env bash
# GPU=h100|h200: co-run of shard GEMMs beside attention on a remainder vs a group (rest idle);
# on the H100 also the GEMM tables re-profiled with session 15's warm-up, the shard re-planned and run.
set -uo pipefail
source .gpu/env.sh
ln -sfn .gpu-modules/node_modules node_modules
export NANOWEAVE_CACHE_DIR=$(mktemp -d)
root=$PWD
ID=$(echo $GPU | tr a-z A-Z)-SXM
hdr="# $(date -u +%FT%TZ) $(nvidia-smi --query-gpu=name,driver_version,power.limit,clocks.max.sm --format=csv,noheader | sort | uniq -c | tr -s ' '), code: commit ${COMMIT:-?}"
t0=$SECONDS
{ echo "$hdr"; echo "\$ LAYOUTS=$LAYOUTS node .exp/v36/corun-partitions.mjs"; timeout 200 node .exp/v36/corun-partitions.mjs 2>&1; } > $OUT/corun-partitions-$GPU.txt
cat $OUT/corun-partitions-$GPU.txt; echo "[corun $((SECONDS-t0)) s]"
if [ "${PROFILE:-0}" = 1 ]; then
cp profiles/$ID.json $OUT/$ID.before.json
{ echo "$hdr"; echo "\$ nanoweave profile --only gemm --merge"; timeout 330 node dist/cli/main.js profile --only gemm --merge 2>&1; } > $OUT/profile-$GPU.txt
tail -2 $OUT/profile-$GPU.txt; cp profiles/$ID.json $OUT/$ID.json; echo "[profile $((SECONDS-t0)) s]"
{ echo "$hdr"; echo "\$ nanoweave plan --model llama-70b --gpus 8 --no-all-reduce --layers 16 --workload decode-1024 --batch 2048 --gpu $GPU --out llama-70b-tp8-shard-$GPU.plan.json --no-gantt"; node dist/cli/main.js plan --model llama-70b --gpus 8 --no-all-reduce --layers 16 --workload decode-1024 --batch 2048 --gpu $GPU --out $OUT/llama-70b-tp8-shard-$GPU.plan.json --no-gantt 2>&1; } > $OUT/plan-$GPU.txt
grep -E "^(plan|sequential) |SM layout" $OUT/plan-$GPU.txt
run() { # plan name
  { echo "$hdr"; echo "\$ nanoweave run --plan $1 --iterations 50"; timeout 100 node dist/cli/main.js run --plan $1 --iterations 50 2>&1; } > $OUT/run-$GPU-$2.txt
  echo "== $2"; grep -E "^(planned|sequential|plan) |vs seq|error|^(planned|sequential)  .*MHz" $OUT/run-$GPU-$2.txt | head -10
}
run $root/bench/runtime/llama-70b-tp8-shard-$GPU.plan.json shipped-1
run $OUT/llama-70b-tp8-shard-$GPU.plan.json replanned-1
echo "[runs $((SECONDS-t0)) s]"
fi
cd $OUT && tar czf ../s16-$GPU.tgz . && rm -rf ./* && mv ../s16-$GPU.tgz .
