#!/usr/bin/env bash
# 1 x H100: the GEMM tables (warm-ups before heavy shares) and the attention-interference section
# (its generic pairs and each layer GEMM shape's own factor) measured into a copy of the shipped
# profile; then six big shapes' points on 112 SMs each measured cool, against both.
# usage: COMMIT=abc1234 bash gpu-h100-profile.sh
source bench/results/2026-11-22-session30-shape-factors/common.sh
cp profiles/H100-SXM.json $OUT/profile.json
step profile 480 node dist/cli/main.js profile --only gemm,attention-interference --merge --out $OUT/profile.json
tail -3 $OUT/profile.txt
node -e 'const i=require(process.argv[1]).interference; console.log(JSON.stringify(i.gemmWithAttention)); console.log(i.gemmShapesWithAttention.map((f) => `${f.n}x${f.k} ${f.gemmFactor}`).join(", "))' $OUT/profile.json
SMS=112 step cool-112 60 node $s29/cool-points.mjs profiles/H100-SXM.json $OUT/profile.json
cat $OUT/cool-112.txt
cd $OUT && tar czf results.tgz *.txt profile.json && rm -f *.txt profile.json
