#!/usr/bin/env bash
# One H200: Llama-3-8B's --batch auto plan (512 + 384, predicted from its own durations) and the
# 768-token plan (384 + 384), alternating, so that the two batch sizes' tokens/s meet on one machine.
# usage: COMMIT=abc1234 bash gpu-h200.sh
source bench/results/2026-11-22-session38-retime/common.sh
run s38-llama3-8b-h200-auto $here/plans/llama3-8b-h200-auto.plan.json
run s38-llama3-8b-h200-768 $here/plans/llama3-8b-h200-768.plan.json
run s38-llama3-8b-h200-auto-2 $here/plans/llama3-8b-h200-auto.plan.json
run s38-llama3-8b-h200-768-2 $here/plans/llama3-8b-h200-768.plan.json
cd $OUT && tar czf results.tgz *.txt && rm -f *.txt
