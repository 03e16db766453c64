#!/usr/bin/env bash
# 4 x H200, second call: NCCL's profile sections through the refactored measurer (quick grid), then
# runs: the shipped TP4 plan with peer, the peer-made plan with and without CUDA_DEVICE_MAX_CONNECTIONS=32,
# and the fresh NCCL-made plan run with peer (the report notes the plan's method).
set -uo pipefail
source .gpu/env.sh
ln -sfn .gpu-modules/node_modules node_modules
export NANOWEAVE_CACHE_DIR=$(mktemp -d)
hdr="# $(date -u +%FT%TZ) $(nvidia-smi --query-gpu=name,driver_version,power.limit,clocks.max.sm --format=csv,noheader | sort | uniq -c | tr -s ' '), code: commit ${COMMIT:-?}"
t0=$SECONDS
{ echo "$hdr"; echo "\$ nanoweave profile --quick --devices 0,1,2,3 --only allreduce,allreduce-interference,allreduce-attention-interference --out nccl-quick.json"; timeout -k 5 -s KILL 120 node dist/cli/main.js profile --quick --devices 0,1,2,3 --only allreduce,allreduce-interference,allreduce-attention-interference --out $OUT/nccl-quick.json 2>&1; } > $OUT/profile-nccl-quick.txt
pkill -9 -f "node "; echo "[profile $((SECONDS-t0)) s]"; tail -3 $OUT/profile-nccl-quick.txt
python3 -c "
import json;p=json.load(open('$OUT/nccl-quick.json'))
for t in p['allReduce']: print(t['gpus'],t['bytes'],t['ctas'],t['timeUs'])
print(p['interference']['gemmWithAllReduce']); print(p['interference']['allReduceWithAttention'])"
run() { # name plan extra env
  { echo "$hdr"; echo "\$ ${4:-}nanoweave run --plan $(basename $2) --iterations 30 --modes planned,sequential $3"; env ${4:-} timeout -k 5 -s KILL 170 node dist/cli/main.js run --plan $2 --iterations 30 --modes planned,sequential $3 2>&1; } > $OUT/run-$1.txt
  pkill -9 -f "node " ; echo "== $1 [$((SECONDS-t0)) s]"; grep -E "^(planned|sequential|plan) |vs seq|rror|prediction|tensor parallel" $OUT/run-$1.txt | head -12
  awk '/with its ops running together/,/^sequential:/' $OUT/run-$1.txt | grep -E "span|busy|gate_up|ffn_in.1.rmsnorm|ar_d" | head -16
}
P=.exp/v41/plans
run shipped-peer bench/runtime/llama-70b-tp4-8layers-h200.plan.json "--all-reduce peer"
run peerplan-conn32 $P/llama-70b-tp4-8layers-h200-peer.plan.json "" "CUDA_DEVICE_MAX_CONNECTIONS=32 "
run peerplan $P/llama-70b-tp4-8layers-h200-peer.plan.json ""
run ncclplan-peer $P/llama-70b-tp4-8layers-h200-nccl.plan.json "--all-reduce peer"
cd $OUT && tar czf ../p.tgz . && rm -rf ./* && mv ../p.tgz .
