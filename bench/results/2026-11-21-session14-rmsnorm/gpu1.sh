#!/usr/bin/env bash
# GPU=h100|h200: kernel checks, old/new A/B, elementwise re-profile (merge), plan from it, runtime GPU test,
# then the shipped plan with old and new kernels alternating, and the re-planned plan with new kernels.
set -uo pipefail
source .gpu/env.sh
ln -sfn .gpu-modules/node_modules node_modules
export NANOWEAVE_CACHE_DIR=$(mktemp -d)
root=$PWD
ID=$(echo $GPU | tr a-z A-Z)-SXM
hdr="# $(date -u +%FT%TZ) $(nvidia-smi --query-gpu=name,driver_version,power.limit --format=csv,noheader | sort | uniq -c | tr -s ' '), code: commit ${COMMIT:-?} + uncommitted persistent rmsnorm"
t0=$SECONDS
mkdir -p /tmp/old && tar xzf .exp/v34/old.tgz -C /tmp/old && for d in build configs profiles schema node_modules; do ln -sfn $root/$d /tmp/old/$d; done
{ echo "$hdr"; echo "\$ bash bench/kernels/build.sh /tmp/kb && /tmp/kb --kernels native/kernels --checks-only"; bash bench/kernels/build.sh /tmp/kb 2>&1 && /tmp/kb --kernels native/kernels --checks-only 2>&1; } > $OUT/kernel-checks-$GPU.txt
grep -E "rmsnorm|silu|checks:|FAIL" $OUT/kernel-checks-$GPU.txt | head -20; echo "[checks $((SECONDS-t0)) s]"
{ echo "$hdr"; echo "\$ node .exp/v34/elementwise-ab.mjs"; timeout 150 node .exp/v34/elementwise-ab.mjs 2>&1; echo "$ node .exp/v34/rope-tlb.mjs"; timeout 100 node .exp/v34/rope-tlb.mjs 2>&1; } > $OUT/ab-$GPU.txt
cat $OUT/ab-$GPU.txt | tail -24; echo "[ab $((SECONDS-t0)) s]"
cp profiles/$ID.json $OUT/$ID.before.json
{ echo "$hdr"; echo "\$ nanoweave profile --only elementwise,attention-interference --merge"; timeout 200 node dist/cli/main.js profile --only elementwise,attention-interference --merge 2>&1; } > $OUT/profile-elementwise-$GPU.txt
tail -2 $OUT/profile-elementwise-$GPU.txt; cp profiles/$ID.json $OUT/$ID.json; echo "[profile $((SECONDS-t0)) s]"
node dist/cli/main.js plan --model llama-70b --gpus 8 --no-all-reduce --layers 16 --workload decode-1024 --batch 2048 --gpu $GPU --out $OUT/llama-70b-tp8-shard-$GPU.plan.json --no-gantt > $OUT/plan-$GPU.txt 2>&1
grep -E "^(plan|sequential) |SM layout" $OUT/plan-$GPU.txt
if [ "${SKIPTEST:-0}" != 1 ]; then
{ echo "$hdr"; echo "\$ node --test --test-concurrency=1 dist/test/gpu/runtime.test.js"; timeout 200 node --test --test-concurrency=1 dist/test/gpu/runtime.test.js 2>&1; } > $OUT/runtime-test-$GPU.txt
grep -E "^# (pass|fail|skip)" $OUT/runtime-test-$GPU.txt; echo "[runtime test $((SECONDS-t0)) s]"
{ echo "$hdr"; echo "\$ node --test dist/test/gpu/profile.test.js"; timeout 100 node --test dist/test/gpu/profile.test.js 2>&1; } > $OUT/profile-test-$GPU.txt
grep -E "^# (pass|fail|skip)" $OUT/profile-test-$GPU.txt; echo "[profile test $((SECONDS-t0)) s]"
fi
run() { # name dir plan
  { echo "$hdr"; echo "\$ nanoweave run --plan $3 --iterations 50   # kernels: $1"; (cd $2 && timeout 150 node dist/cli/main.js run --plan $3 --iterations 50 2>&1); } > $OUT/run-$GPU-$4.txt
  echo "== $4"; grep -E "^(planned|sequential|plan) |vs seq|error|^(planned|sequential)  .*MHz" $OUT/run-$GPU-$4.txt | head -10
}
shipped=$root/bench/runtime/llama-70b-tp8-shard-$GPU.plan.json
run old /tmp/old $shipped shipped-old-1
run new $root $shipped shipped-new-1
run new $root $OUT/llama-70b-tp8-shard-$GPU.plan.json replanned-new-1
run old /tmp/old $shipped shipped-old-2
run new $root $shipped shipped-new-2
echo "[total $((SECONDS-t0)) s]"
cd $OUT && tar czf ../s14-$GPU.tgz . && rm -rf ./* && mv ../s14-$GPU.tgz .
