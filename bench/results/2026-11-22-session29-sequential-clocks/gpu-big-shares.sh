#!/usr/bin/env bash
# 1 x H200: the shipped profile's points on 96-124 SMs against each measured cool; gate/up beside
# attention at 512, 1024 and 2048 rows and 1024 and 2048 requests.
# usage: COMMIT=abc1234 bash gpu-big-shares.sh
source bench/results/2026-11-22-session29-sequential-clocks/common.sh
for sms in 96 104 112 120 124; do
  SMS=$sms step cool-$sms 60 node $here/cool-points.mjs profiles/H200-SXM.json
  sed -n 3,100p $OUT/cool-$sms.txt | awk 'NR==1 || /14336|7168x|8192x3584/'
done
PAIRS=rows step pairs-rows 120 node $here/shape-pairs.mjs
sed -n 3,100p $OUT/pairs-rows.txt
cd $OUT && tar czf results.tgz *.txt && rm -f *.txt
