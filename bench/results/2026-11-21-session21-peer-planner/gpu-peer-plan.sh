#!/usr/bin/env bash
# 4 x H200: the peer all-reduce in profile and planner. GPU tests (peer-sum, tensor-parallel), then
# profile --only peer-allreduce merged into a copy of the shipped H200 profile, TP4 plans for nccl and
# peer from it, and runs of each with its method, alternating.
set -uo pipefail
source .gpu/env.sh
ln -sfn .gpu-modules/node_modules node_modules
export NANOWEAVE_CACHE_DIR=$(mktemp -d)
hdr="# $(date -u +%FT%TZ) $(nvidia-smi --query-gpu=name,driver_version,power.limit,clocks.max.sm --format=csv,noheader | sort | uniq -c | tr -s ' '), code: commit ${COMMIT:-?}"
t0=$SECONDS
if [ -z "${SKIP_TESTS:-}" ]; then
{ echo "$hdr"; echo "\$ node --test --test-concurrency=1 --test-reporter=spec dist/test/gpu/peer-sum.test.js dist/test/gpu/tensor-parallel.test.js"; timeout -k 5 -s KILL 300 node --test --test-concurrency=1 --test-reporter=spec dist/test/gpu/peer-sum.test.js dist/test/gpu/tensor-parallel.test.js 2>&1; } > $OUT/tests.txt
pkill -9 -f "node " ; sleep 1
grep -E "^# |^✔|^✖|ℹ (tests|pass|fail|skipped)|rror" $OUT/tests.txt | head -30; echo "[tests $((SECONDS-t0)) s]"
fi
prof=profiles/H200-SXM.json
{ echo "$hdr"; echo "\$ nanoweave profile --devices 0,1,2,3 --only peer-allreduce --merge --out profiles/H200-SXM.json"; timeout -k 5 -s KILL 200 node dist/cli/main.js profile --devices 0,1,2,3 --only peer-allreduce --merge --out $prof 2>&1; } > $OUT/profile.txt
pkill -9 -f "node "; echo "[profile $((SECONDS-t0)) s]"; tail -4 $OUT/profile.txt
python3 - $prof <<'PY'
import json,sys
p=json.load(open(sys.argv[1])); q=p.get('peerAllReduce')
if not q: print("no peerAllReduce"); sys.exit()
for t in q['tables']:
  n=[x for x in p['allReduce'] if x['gpus']==t['gpus']][0]
  print(t['gpus'],'GPUs ctas',t['ctas'])
  for b,row,nrow in zip(t['bytes'],t['timeUs'],n['timeUs']): print(f"  {b:>10} peer {row}  nccl {nrow}")
print('gemm beside peer', q['gemmWithAllReduce']); print('peer beside attention', q['allReduceWithAttention'])
PY
cp $prof $OUT/H200-SXM.json
for m in nccl peer; do
  { echo "$hdr"; echo "\$ nanoweave plan --model llama-70b --gpus 4 --layers 8 --workload decode-1024 --batch 2048 --gpu h200 --profile profiles/H200-SXM.json --all-reduce-method $m"; timeout -k 5 -s KILL 60 node dist/cli/main.js plan --model llama-70b --gpus 4 --layers 8 --workload decode-1024 --batch 2048 --gpu h200 --profile $prof --all-reduce-method $m --out $OUT/llama-70b-tp4-8layers-h200-$m.plan.json --gantt $OUT/llama-70b-tp4-8layers-h200-$m.svg 2>&1; } > $OUT/plan-$m.txt
  grep -E "SM layout|nano-batches|layer|sequential|parallelism" $OUT/plan-$m.txt | head -12
done
run() { # name plan
  { echo "$hdr"; echo "\$ nanoweave run --plan $(basename $2) --iterations 30 --modes planned,sequential"; timeout -k 5 -s KILL 170 node dist/cli/main.js run --plan $2 --iterations 30 --modes planned,sequential 2>&1; } > $OUT/run-$1.txt
  pkill -9 -f "node " ; echo "== $1 [$((SECONDS-t0)) s]"; grep -E "^(planned|sequential|plan) |vs seq|rror|prediction|tensor parallel" $OUT/run-$1.txt | head -12; grep -E "all_reduce" $OUT/run-$1.txt | head -10
}
for r in ${ROUNDS:-1 2}; do
  run peer-$r $OUT/llama-70b-tp4-8layers-h200-peer.plan.json
  run nccl-$r $OUT/llama-70b-tp4-8layers-h200-nccl.plan.json
done
cd $OUT && tar czf ../p.tgz . && rm -rf ./* && mv ../p.tgz .
