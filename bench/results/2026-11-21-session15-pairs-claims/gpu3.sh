#!/usr/bin/env bash
# GPU=h100|h200 [TESTS=1]: with the pairs kernel claiming a pair ahead and the profile's new warm-up:
# the kernel table beside PyTorch, attention + co-run + element-wise re-profiled into the shipped
# profile, the shard re-planned, the shipped plan and the re-planned one run alternating, GPU tests.
set -uo pipefail
source .gpu/env.sh
ln -sfn .gpu-modules/node_modules node_modules
export NANOWEAVE_CACHE_DIR=$(mktemp -d)
root=$PWD
ID=$(echo $GPU | tr a-z A-Z)-SXM
hdr="# $(date -u +%FT%TZ) $(nvidia-smi --query-gpu=name,driver_version,power.limit,clocks.max.sm --format=csv,noheader | sort | uniq -c | tr -s ' '), code: commit ${COMMIT:-?} + uncommitted (pairs kernel claims a pair ahead; profile warm-up on the smallest partition)"
t0=$SECONDS
bash bench/kernels/run.sh $OUT/attn > /dev/null 2>&1; tail -25 $OUT/attn/*.txt | grep -E "^\|? *(8|24|96|132)|checks:|PyTorch|FAIL|ERROR SUMMARY"; echo "[run.sh $((SECONDS-t0)) s]"
cp profiles/$ID.json $OUT/$ID.before.json
{ echo "$hdr"; echo "\$ nanoweave profile --only attention,attention-interference,elementwise --merge"; timeout 240 node dist/cli/main.js profile --only attention,attention-interference,elementwise --merge 2>&1; } > $OUT/profile-$GPU.txt
tail -2 $OUT/profile-$GPU.txt; cp profiles/$ID.json $OUT/$ID.json; echo "[profile $((SECONDS-t0)) s]"
{ echo "$hdr"; echo "\$ nanoweave plan --model llama-70b --gpus 8 --no-all-reduce --layers 16 --workload decode-1024 --batch 2048 --gpu $GPU --out llama-70b-tp8-shard-$GPU.plan.json --no-gantt"; node dist/cli/main.js plan --model llama-70b --gpus 8 --no-all-reduce --layers 16 --workload decode-1024 --batch 2048 --gpu $GPU --out $OUT/llama-70b-tp8-shard-$GPU.plan.json --no-gantt 2>&1; } > $OUT/plan-$GPU.txt
grep -E "^(plan|sequential) |SM layout" $OUT/plan-$GPU.txt
run() { # plan name
  { echo "$hdr"; echo "\$ nanoweave run --plan $1 --iterations 50"; timeout 150 node dist/cli/main.js run --plan $1 --iterations 50 2>&1; } > $OUT/run-$GPU-$2.txt
  echo "== $2"; grep -E "^(planned|sequential|plan) |vs seq|error|^(planned|sequential)  .*MHz" $OUT/run-$GPU-$2.txt | head -10
}
shipped=$root/bench/runtime/llama-70b-tp8-shard-$GPU.plan.json
run $shipped shipped-1
run $OUT/llama-70b-tp8-shard-$GPU.plan.json replanned-1
run $shipped shipped-2
run $OUT/llama-70b-tp8-shard-$GPU.plan.json replanned-2
echo "[runs $((SECONDS-t0)) s]"
if [ "${TESTS:-0}" = 1 ]; then
{ echo "$hdr"; echo "\$ node --test dist/test/gpu/profile.test.js"; timeout 150 node --test dist/test/gpu/profile.test.js 2>&1; } > $OUT/profile-test-$GPU.txt
grep -E "^# (pass|fail|skip)" $OUT/profile-test-$GPU.txt; echo "[profile test $((SECONDS-t0)) s]"
fi
cd $OUT && tar czf ../s15f-$GPU.tgz . && rm -rf ./* && mv ../s15f-$GPU.tgz .
