#!/usr/bin/env bash
# 4 x H200: kernel checks, rope A/B, element-wise re-profile (GPU 0, merge), runtime GPU test, plans from the new profile, then shard/TP4/TP2 runs: shipped plans against plans from the new profile.
set -uo pipefail
source .gpu/env.sh
ln -sfn .gpu-modules/node_modules node_modules
export NANOWEAVE_CACHE_DIR=$(mktemp -d)
d=$OUT
hdr="# $(date -u +%FT%TZ) $(nvidia-smi --query-gpu=name,driver_version,power.limit --format=csv,noheader | sort | uniq -c | tr -s ' '), code: commit ${COMMIT:-?}"
t0=$SECONDS
{ echo "$hdr"; echo "\$ bash bench/kernels/build.sh /tmp/kb && /tmp/kb --kernels native/kernels --checks-only"; bash bench/kernels/build.sh /tmp/kb 2>&1 && CUDA_VISIBLE_DEVICES=0 /tmp/kb --kernels native/kernels --checks-only 2>&1; } > $d/kernel-checks-h200.txt
grep -E "rope|checks:|FAIL" $d/kernel-checks-h200.txt | head; echo "[checks $((SECONDS-t0)) s]"
{ echo "$hdr"; echo "\$ node .exp/v33/rope-ab.mjs"; CUDA_VISIBLE_DEVICES=0 timeout 120 node .exp/v33/rope-ab.mjs 2>&1; } > $d/rope-ab-h200.txt
grep -E "8/1 sms  (16|20|24|132)" $d/rope-ab-h200.txt; echo "[ab $((SECONDS-t0)) s]"
cp profiles/H200-SXM.json $d/H200-SXM.before.json
{ echo "$hdr"; echo "\$ nanoweave profile --only elementwise --merge --devices 0"; timeout 200 node dist/cli/main.js profile --only elementwise --merge --devices 0 2>&1; } > $d/profile-elementwise-h200.txt
tail -2 $d/profile-elementwise-h200.txt; cp profiles/H200-SXM.json $d/H200-SXM.json; echo "[profile $((SECONDS-t0)) s]"
{ echo "$hdr"; echo "\$ node --test --test-concurrency=1 dist/test/gpu/runtime.test.js"; timeout 200 node --test --test-concurrency=1 dist/test/gpu/runtime.test.js 2>&1; } > $d/runtime-test-h200.txt
grep -E "^# (pass|fail|skip)" $d/runtime-test-h200.txt; echo "[runtime test $((SECONDS-t0)) s]"
plan() {  # name args...
  local name=$1; shift
  node dist/cli/main.js plan --model llama-70b --workload decode-1024 --batch 2048 --gpu h200 --no-gantt --out $d/$name.plan.json "$@" > $d/plan-$name.txt 2>&1
  grep -E "^plan  |solver" $d/plan-$name.txt
}
plan llama-70b-tp8-shard-h200 --gpus 8 --no-all-reduce --layers 16
plan llama-70b-tp4-8layers-h200 --gpus 4 --layers 8
plan llama-70b-tp2-8layers-h200 --gpus 2 --layers 8
echo "[plans $((SECONDS-t0)) s]"
run() {  # name plan devices iterations
  { echo "$hdr"; echo "\$ nanoweave run --plan $2 --iterations $4 --devices $3"
    timeout 150 node dist/cli/main.js run --plan $2 --iterations $4 --devices $3 2>&1; } > $d/run-$1.txt 2>&1
  echo "== $1 rc=$? $(date -u +%T)"; grep -E "^(planned|sequential|plan) |vs seq|error" $d/run-$1.txt | head -7
}
run shard-h200-shipped bench/runtime/llama-70b-tp8-shard-h200.plan.json 0 50
run shard-h200-new $d/llama-70b-tp8-shard-h200.plan.json 0 50
run tp4-shipped bench/runtime/llama-70b-tp4-8layers-h200.plan.json 0,1,2,3 30
run tp4-new $d/llama-70b-tp4-8layers-h200.plan.json 0,1,2,3 30
run tp2-shipped bench/runtime/llama-70b-tp2-8layers-h200.plan.json 0,1 30
run tp2-new $d/llama-70b-tp2-8layers-h200.plan.json 0,1 30
echo "[total $((SECONDS-t0)) s]"
cd $d && tar czf ../x4.tgz . && rm -rf ./* && mv ../x4.tgz .
