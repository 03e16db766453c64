#!/usr/bin/env bash
# One GPU (h200 or h100), first call on a machine: the partition tests (the memory groups ranked,
# the ranked remainder against the driver's); the attention tables (now on the remainders plans
# use, made of the ranked groups), GEMM beside attention and the sustained load measured into
# $OUT/profile.json, a copy of the shipped profile; session 32's context sweep planned from it
# (into $OUT/plans, kept in .work/ for gpu-runs.sh on the same machine); the new context-1024 plan run.
# usage: COMMIT=abc1234 bash gpu-profile.sh h200|h100
source bench/results/2026-11-22-session33-sm-placement/common.sh
gpu=$1
tar xJf .gpu-modules/plan-modules.txz -C .gpu-modules
step partitions-test 300 node --test dist/test/gpu/partitions.test.js
grep -E "^# (green|[0-9]+ groups|streaming|pass|fail)|^not ok" $OUT/partitions-test.txt
cp profiles/${gpu^^}-SXM.json $OUT/profile.json
step profile 420 node dist/cli/main.js profile --only attention,attention-interference,sustained-load --merge --out $OUT/profile.json
tail -3 $OUT/profile.txt
node -e 'const p=require(process.argv[1]); for (const x of p.interference.gemmWithAttention) console.log(JSON.stringify(x)); console.log(JSON.stringify(p.sustainedLoad)); const a=p.decodeAttention.find(t=>t.kvHeads===1&&t.groupSize===8); console.log("attention 1024 x 1024:", JSON.stringify(a.sms.map((s,i)=>s+":"+a.timeUs[a.requests.indexOf(1024)][a.context.indexOf(1024)][i])))' $OUT/profile.json
bash $s32/make-plans.sh $gpu $OUT/plans $OUT/profile.json | tee $OUT/plans.txt
rm -rf .work && mkdir -p .work && cp -r $OUT/profile.json $OUT/plans .work/
run new-$gpu-ctx1024-b2048 $OUT/plans/$gpu-ctx1024-b2048.plan.json
cd $OUT && tar czf results.tgz *.txt plans profile.json && rm -rf *.txt plans profile.json
