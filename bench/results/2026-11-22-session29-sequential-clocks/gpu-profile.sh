#!/usr/bin/env bash
# 1 x H200 or H100: the GEMM tables (whole-GPU points first) and the sustained-load section (with
# its sequential GEMM factors) measured into a copy of the shipped profile; then the whole-GPU
# points of six big GEMM shapes each measured cool, against the shipped profile and the new one.
# usage: GPU=h100|h200 COMMIT=abc1234 bash gpu-profile.sh
source bench/results/2026-11-22-session29-sequential-clocks/common.sh
shipped=profiles/$([ "$GPU" = h100 ] && echo H100-SXM || echo H200-SXM).json
cp $shipped $OUT/profile.json
step profile 480 node dist/cli/main.js profile --only gemm,sustained-load --merge --out $OUT/profile.json
tail -3 $OUT/profile.txt
node -e 'console.log(JSON.stringify(require(process.argv[1]).sustainedLoad))' $OUT/profile.json
step cool 90 node $here/cool-points.mjs $shipped $OUT/profile.json
cat $OUT/cool.txt
cd $OUT && tar czf results.tgz *.txt profile.json && rm -f *.txt profile.json
