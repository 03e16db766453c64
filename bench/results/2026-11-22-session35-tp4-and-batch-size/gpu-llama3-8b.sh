#!/usr/bin/env bash
# 1 x H200: Llama-3-8B (all 32 layers, random weights) at context 1024, planned with --batch auto
# (the largest batch that fits, 896 tokens) and --batch best (768 tokens), each run planned and
# sequential in one process.
# usage: COMMIT=abc1234 bash gpu-llama3-8b.sh
source bench/results/2026-11-22-session35-tp4-and-batch-size/common.sh
for name in llama3-8b-h200-auto llama3-8b-h200-best; do run $name $here/plans/$name.plan.json; done
cd $OUT && tar czf results.tgz *.txt && rm -f *.txt
