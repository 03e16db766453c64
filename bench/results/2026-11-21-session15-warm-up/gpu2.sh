#!/usr/bin/env bash
# Scratch: GPU=h100|h200. The profile's new warm-up: clocks after it, then RMSNorm's curve and tables
# from HEAD's dist and the tree's, alternating (ROUNDS); the tree's last is merged into a copy of the
# shipped profile. Then the pairs kernel claiming one pair ahead against the shipped one, and PyTorch.
set -uo pipefail
source .gpu/env.sh
ln -sfn .gpu-modules/node_modules node_modules
export NANOWEAVE_CACHE_DIR=$(mktemp -d)
root=$PWD
ID=$(echo $GPU | tr a-z A-Z)-SXM
hdr="# $(date -u +%FT%TZ) $(nvidia-smi --query-gpu=name,driver_version,power.limit,clocks.max.sm --format=csv,noheader | sort | uniq -c | tr -s ' ')"
t0=$SECONDS
mkdir -p /tmp/head && tar xzf .exp/v35/head.tgz -C /tmp/head && for d in build configs profiles schema node_modules; do ln -sfn $root/$d /tmp/head/$d; done
{ echo "$hdr"; echo "\$ node .exp/v35/warmup-clocks.mjs"; timeout 60 node .exp/v35/warmup-clocks.mjs 2>&1; } > $OUT/warmup-clocks-$GPU.txt
grep -A3 "==" $OUT/warmup-clocks-$GPU.txt | cut -c1-110; echo "[clocks $((SECONDS-t0)) s]"
for round in $(seq 1 ${ROUNDS:-2}); do for which in head tree; do
  dir=$( [ $which = head ] && echo /tmp/head || echo $root )
  cp $root/profiles/$ID.json $OUT/$ID.$which-$round.json
  { echo "$hdr"; echo "\$ nanoweave profile --only elementwise --merge --out $ID.$which-$round.json   # dist: $which"; (cd $dir && timeout 90 node dist/cli/main.js profile --only elementwise --merge --out $OUT/$ID.$which-$round.json 2>&1); } > $OUT/profile-$GPU-$which-$round.txt
  node -e 'const e=JSON.parse(require("fs").readFileSync(process.argv[1])).elementwise; const t=e.tables.find(x=>x.kernel==="rmsnorm"); const i=t.tokens.indexOf(8192); const j=t.tokens.indexOf(1024);
    console.log(process.argv[2], "launchUs", e.launchUs, "curve", e.bandwidthTBs.slice(0,4).join(" "), "...", e.bandwidthTBs.at(-1), "| rmsnorm 8192 rows at", t.sms.slice(0,3).join("/"), "SMs:", t.timeUs[i].slice(0,3).join(" "), "us; 1024 rows:", t.timeUs[j].slice(0,3).join(" "))' $OUT/$ID.$which-$round.json "$which $round"
done; done | tee $OUT/curve-ab-$GPU.txt
echo "[profiles $((SECONDS-t0)) s]"
{ echo "$hdr"; echo "\$ bash bench/kernels/compare_attention.sh \$OUT/cmp 96,132 .exp/v35/claim.variants.txt"; timeout 240 bash bench/kernels/compare_attention.sh $OUT/cmp 96,132 .exp/v35/claim.variants.txt 2>&1; } > $OUT/claim-compare-$GPU.txt
grep -E "===|SMs:|FAIL|checks:" $OUT/claim-compare-$GPU.txt | cut -c1-150; echo "[compare $((SECONDS-t0)) s]"
{ echo "$hdr"; python3 bench/kernels/sdpa_bench.py /tmp/sdpa.json 2>&1 | grep -iE "whole|132|default|cudnn" | grep -v Warn | head; } > $OUT/sdpa-$GPU.txt
cat $OUT/sdpa-$GPU.txt; echo "[sdpa $((SECONDS-t0)) s]"
rm -rf $OUT/cmp
cd $OUT && tar czf ../s15-$GPU.tgz . && rm -rf ./* && mv ../s15-$GPU.tgz .
