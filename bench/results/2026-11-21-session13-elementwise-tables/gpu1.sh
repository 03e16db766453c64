#!/usr/bin/env bash
# GPU=h100|h200: kernel checks, rope A/B, elementwise re-profile (merge), runtime GPU test, plan from the new profile, run shipped and new plans.
set -uo pipefail
source .gpu/env.sh
ln -sfn .gpu-modules/node_modules node_modules
export NANOWEAVE_CACHE_DIR=$(mktemp -d)
ID=$(echo $GPU | tr a-z A-Z)-SXM
hdr="# $(date -u +%FT%TZ) $(nvidia-smi --query-gpu=name,driver_version,power.limit --format=csv,noheader | sort | uniq -c | tr -s ' '), code: commit ${COMMIT:-?} + uncommitted per-kernel element-wise tables and warp-per-row rope"
t0=$SECONDS
{ echo "$hdr"; echo "\$ bash bench/kernels/build.sh /tmp/kb && /tmp/kb --kernels native/kernels --checks-only"; bash bench/kernels/build.sh /tmp/kb 2>&1 && /tmp/kb --kernels native/kernels --checks-only 2>&1; } > $OUT/kernel-checks-$GPU.txt
grep -E "rope|checks:|FAIL" $OUT/kernel-checks-$GPU.txt | head; echo "[checks $((SECONDS-t0)) s]"
{ echo "$hdr"; echo "\$ node .exp/v33/rope-ab.mjs"; timeout 120 node .exp/v33/rope-ab.mjs 2>&1; } > $OUT/rope-ab-$GPU.txt
cat $OUT/rope-ab-$GPU.txt | tail -30; echo "[ab $((SECONDS-t0)) s]"
cp profiles/$ID.json $OUT/$ID.before.json
{ echo "$hdr"; echo "\$ nanoweave profile --only elementwise --merge"; timeout 200 node dist/cli/main.js profile --only elementwise --merge 2>&1; } > $OUT/profile-elementwise-$GPU.txt
tail -3 $OUT/profile-elementwise-$GPU.txt; cp profiles/$ID.json $OUT/$ID.json; echo "[profile $((SECONDS-t0)) s]"
{ echo "$hdr"; echo "\$ node --test --test-concurrency=1 dist/test/gpu/runtime.test.js"; timeout 240 node --test --test-concurrency=1 dist/test/gpu/runtime.test.js 2>&1; } > $OUT/runtime-test-$GPU.txt
grep -E "^# (pass|fail|skip)" $OUT/runtime-test-$GPU.txt; echo "[runtime test $((SECONDS-t0)) s]"
node dist/cli/main.js plan --model llama-70b --gpus 8 --no-all-reduce --layers 16 --workload decode-1024 --batch 2048 --gpu $GPU --out $OUT/llama-70b-tp8-shard-$GPU.plan.json --no-gantt > $OUT/plan-$GPU.txt 2>&1
tail -8 $OUT/plan-$GPU.txt
for plan in bench/runtime/llama-70b-tp8-shard-$GPU.plan.json $OUT/llama-70b-tp8-shard-$GPU.plan.json; do
  name=$( [[ $plan == bench* ]] && echo shipped || echo new)
  { echo "$hdr"; echo "\$ nanoweave run --plan $plan --iterations 50"; timeout 200 node dist/cli/main.js run --plan $plan --iterations 50 2>&1; } > $OUT/run-$GPU-$name.txt
  echo "== $name"; grep -E "^(planned|sequential|streams|plan) |vs seq|error|^mode  " $OUT/run-$GPU-$name.txt | head -14
done
echo "[total $((SECONDS-t0)) s]"
cd $OUT && tar czf ../s13-$GPU.tgz . && rm -rf ./* && mv ../s13-$GPU.tgz .
