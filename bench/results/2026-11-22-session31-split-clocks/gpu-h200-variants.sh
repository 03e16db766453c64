#!/usr/bin/env bash
# 1 x H200: mix-variants.mjs (the first call), attention-partners.mjs (the second; NAME=partners) or
# memory-sms.mjs (the third; NAME=memory-sms).
# usage: COMMIT=abc1234 bash gpu-h200-variants.sh
source bench/results/2026-11-22-session31-split-clocks/common.sh
case ${NAME:-variants} in
  variants) step variants 300 node $here/mix-variants.mjs ;;
  partners) step partners 300 node $here/attention-partners.mjs ;;
  memory-sms) step memory-sms 300 node $here/memory-sms.mjs ;;
esac
cat $OUT/*.txt
cd $OUT && tar czf results.tgz *.txt && rm -f *.txt
