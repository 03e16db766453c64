#!/usr/bin/env bash
# 1 x H200: order-check.mjs on the shipped profile; then the attention-interference section (its
# generic pairs and each layer GEMM shape's own factor) measured into a copy of the shipped profile.
# usage: COMMIT=abc1234 bash gpu-order-check.sh
source bench/results/2026-11-22-session30-shape-factors/common.sh
step order 240 node $here/order-check.mjs profiles/H200-SXM.json
cat $OUT/order.txt
cp profiles/H200-SXM.json $OUT/profile.json
step interference 300 node dist/cli/main.js profile --only attention-interference --merge --out $OUT/profile.json
tail -3 $OUT/interference.txt
node -e 'const i=require(process.argv[1]).interference; console.log(JSON.stringify(i.gemmWithAttention)); for (const f of i.gemmShapesWithAttention) console.log(`${f.n}x${f.k} ${f.gemmFactor}`)' $OUT/profile.json
cd $OUT && tar czf results.tgz *.txt profile.json && rm -f *.txt profile.json
