#!/usr/bin/env bash
# One GPU: the sustained-load section merged into the shipped profile (now with the pipelined GEMM
# factor), the shard planned from it, that plan and session 23's (PREVIOUS) run alternately, the new
# plan's kernels traced, and the profile GPU test.
# usage: GPU=h200 PROFILE=profiles/H200-SXM.json PREVIOUS=plan.json COMMIT=abc1234 bash gpu-pipelined.sh
source bench/results/2026-11-21-session24-where-time-goes/common.sh
cp $PROFILE $OUT/profile.json
step profile 120 node dist/cli/main.js profile --only sustained-load --merge --out $OUT/profile.json
tail -2 $OUT/profile.txt; node -e "console.log(JSON.stringify(require('$OUT/profile.json').sustainedLoad))"
step plan 120 node dist/cli/main.js plan --model llama-70b --gpus 8 --no-all-reduce --layers 16 --workload decode-1024 --batch 2048 --gpu $GPU --profile $OUT/profile.json --out $OUT/shard.plan.json
grep -E "^(plan|sequential) |SM layout" $OUT/plan.txt
cp $PREVIOUS $OUT/previous.plan.json
for i in 1 2; do
  for p in shard previous; do
    step run-$p-$i 200 node dist/cli/main.js run --plan $OUT/$p.plan.json --iterations 30 --modes planned,sequential
    grep -E "^(planned|sequential|plan) |vs seq|rror" $OUT/run-$p-$i.txt
  done
done
step traced 150 env CUDA_INJECTION64_PATH=$PWD/.exp/trace/libkernel_trace.so KERNEL_TRACE_OUT=$OUT/kernels.csv node $here/iterations.mjs $OUT/shard.plan.json
cat $OUT/traced.txt; gzip $OUT/kernels.csv
step test-profile 300 node --test dist/test/gpu/profile.test.js
grep -E "^# (sustained|pass|fail)|^not ok" $OUT/test-profile.txt
cd $OUT && tar czf ../out.tgz . && rm -rf ./* && mv ../out.tgz .
