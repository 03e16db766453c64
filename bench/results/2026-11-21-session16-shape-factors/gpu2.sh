#!/usr/bin/env bash
# GPU=h100|h200 [TESTS=1]: the GEMM-beside-attention section re-measured with each layer GEMM's own
# factor, the shard re-planned from it, the shipped and re-planned plans run alternating.
set -uo pipefail
source .gpu/env.sh
ln -sfn .gpu-modules/node_modules node_modules
export NANOWEAVE_CACHE_DIR=$(mktemp -d)
root=$PWD
ID=$(echo $GPU | tr a-z A-Z)-SXM
hdr="# $(date -u +%FT%TZ) $(nvidia-smi --query-gpu=name,driver_version,power.limit,clocks.max.sm --format=csv,noheader | sort | uniq -c | tr -s ' '), code: commit ${COMMIT:-?}"
t0=$SECONDS
cp profiles/$ID.json $OUT/$ID.before.json
{ echo "$hdr"; echo "\$ nanoweave profile --only attention-interference --merge"; timeout 240 node dist/cli/main.js profile --only attention-interference --merge 2>&1; } > $OUT/profile-$GPU.txt
tail -2 $OUT/profile-$GPU.txt; cp profiles/$ID.json $OUT/$ID.json; echo "[profile $((SECONDS-t0)) s]"
node -e 'const p=require("./profiles/'$ID'.json").interference; console.log(JSON.stringify(p.gemmWithAttention.map(x=>[x.partnerSms,x.gemmFactor]))); for (const f of p.gemmShapesWithAttention ?? []) if ([1280,7168,8192].includes(f.n)) console.log(f.n+"x"+f.k, f.gemmFactor)'
{ echo "$hdr"; echo "\$ nanoweave plan --model llama-70b --gpus 8 --no-all-reduce --layers 16 --workload decode-1024 --batch 2048 --gpu $GPU --out llama-70b-tp8-shard-$GPU.plan.json --no-gantt"; node dist/cli/main.js plan --model llama-70b --gpus 8 --no-all-reduce --layers 16 --workload decode-1024 --batch 2048 --gpu $GPU --out $OUT/llama-70b-tp8-shard-$GPU.plan.json --no-gantt 2>&1; } > $OUT/plan-$GPU.txt
grep -E "^(plan|sequential) |SM layout" $OUT/plan-$GPU.txt
node -e 'const p=require(process.argv[1]); for (const o of p.operations) if (o.layout==="whole" && o.nanoBatch===0) console.log("whole:", o.id)' $OUT/llama-70b-tp8-shard-$GPU.plan.json
run() { # plan name
  { echo "$hdr"; echo "\$ nanoweave run --plan $1 --iterations 50"; timeout 100 node dist/cli/main.js run --plan $1 --iterations 50 2>&1; } > $OUT/run-$GPU-$2.txt
  echo "== $2"; grep -E "^(planned|sequential|plan) |vs seq|error|^(planned|sequential)  .*MHz" $OUT/run-$GPU-$2.txt | head -10
}
shipped=$root/bench/runtime/llama-70b-tp8-shard-$GPU.plan.json
run $shipped shipped-1
run $OUT/llama-70b-tp8-shard-$GPU.plan.json replanned-1
run $shipped shipped-2
run $OUT/llama-70b-tp8-shard-$GPU.plan.json replanned-2
echo "[runs $((SECONDS-t0)) s]"
if [ "${TESTS:-0}" = 1 ]; then
{ echo "$hdr"; echo "\$ node --test dist/test/gpu/profile.test.js"; timeout 200 node --test dist/test/gpu/profile.test.js 2>&1; } > $OUT/profile-test-$GPU.txt
grep -E "^# (pass|fail|skip)|not ok" $OUT/profile-test-$GPU.txt; echo "[profile test $((SECONDS-t0)) s]"
fi
cd $OUT && tar czf ../s16b-$GPU.tgz . && rm -rf ./* && mv ../s16b-$GPU.tgz .
