#!/usr/bin/env bash
# 1 x H200: order-check.mjs again, now with tables.ts's own order (warm-ups before heavy shares);
# the GEMM tables measured so into a copy of the first call's profile (which has the new
# attention-interference section); then six big shapes' points on 16, 112 and 124 SMs each measured
# cool, against the shipped profile and the new one.
# usage: COMMIT=abc1234 bash gpu-tables.sh
source bench/results/2026-11-22-session30-shape-factors/common.sh
step order 180 node $here/order-check.mjs profiles/H200-SXM.json
sed -n 1,400p $OUT/order.txt | grep -E "tables.ts:| 16 | 112 | 124 "
cp $here/raw/h200-order/profile.json $OUT/profile.json
step profile 420 node dist/cli/main.js profile --only gemm --merge --out $OUT/profile.json
tail -3 $OUT/profile.txt
for sms in 16 112 124; do
  SMS=$sms step cool-$sms 60 node $s29/cool-points.mjs profiles/H200-SXM.json $OUT/profile.json
  cat $OUT/cool-$sms.txt
done
cd $OUT && tar czf results.tgz *.txt profile.json && rm -f *.txt profile.json
