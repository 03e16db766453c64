#!/usr/bin/env bash
# One GPU (h200 or h100): the attention tables (now with the remainders plans give attention) and
# GEMM beside attention (now at 512, 1024 and 2048 rows) measured into $OUT/profile.json, a copy of
# the shipped profile; the context sweep planned from it (make-plans.sh, into $OUT/plans); then runs,
# most telling first: the shipped plan at context 1024 (this machine's reference), the new plans.
# usage: COMMIT=abc1234 bash gpu-profile.sh h200|h100 [run names...]
source bench/results/2026-11-22-session32-long-context/common.sh
gpu=$1; shift
# The planner needs highs and mathjs, which the pruned modules leave out: plan-modules.txz holds them
# (node_modules/{highs,javascript-lp-solver,mathjs} and mathjs's dependencies, tar cJf here).
tar xJf .gpu-modules/plan-modules.txz -C .gpu-modules
shipped=profiles/${gpu^^}-SXM.json
cp $shipped $OUT/profile.json
step profile 400 node dist/cli/main.js profile --only attention,attention-interference --merge --out $OUT/profile.json
tail -2 $OUT/profile.txt
node -e 'for (const p of require(process.argv[1]).interference.gemmWithAttention) console.log(JSON.stringify(p))' $OUT/profile.json
bash $here/make-plans.sh $gpu $OUT/plans $OUT/profile.json | tee $OUT/plans.txt
if [ $gpu = h200 ]; then reference=$s29/plans/shard.plan.json; else reference=$s29/raw/h100/shard.plan.json; fi
run shipped-ctx1024-b2048 $reference
for name in ${@:-ctx1024-b2048 ctx2048-b2048 ctx1536-b2048 ctx3072-b2048 ctx4096-b2048 ctx2048-b1024}; do
  run $name $OUT/plans/$gpu-$name.plan.json
done
cd $OUT && tar czf results.tgz *.txt plans profile.json && rm -rf *.txt plans profile.json
