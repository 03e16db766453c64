#!/usr/bin/env bash
# Tuning aid: times variants of decode attention side by side. Each line of VARIANTS is
#   name source.cu WARPS,BLOCKS_PER_SM,STAGED_BYTES [NAME=VALUE | --kernel_bench-option=VALUE ...]
# (decode_attention's source and launch rule, NVRTC -D definitions for both attention kernels, and
# more kernel_bench options, e.g. --attention-mode=pairs or --skip-checks). Each variant is checked (all attention
# checks, then its output on the bench shape), timed on the partition sizes given, and its SASS
# saved. From the repository root, on a GPU machine:
#   bash bench/kernels/compare_attention.sh OUT_DIR 8,32,132 VARIANTS
set -euo pipefail
out=$1 sizes=$2 variants=$3
mkdir -p "$out"
work=$(mktemp -d)
bash bench/kernels/build.sh "$work/kernel_bench"
while read -r name source launch defines; do
  [ -z "$name" ] && continue
  args=(--attention-source "$source" --attention-launch "$launch" --sizes "$sizes" --cubins "$work")
  for d in $defines; do
    case $d in
      --*=*) args+=("${d%%=*}" "${d#*=}") ;;
      --*) args+=("$d") ;;
      *) args+=(--attention-define "$d") ;;
    esac
  done
  echo "=== $name: $source launch=$launch $defines"
  "$work/kernel_bench" "${args[@]}" | grep -E "SMs:|FAIL|checks:|kernel_bench" || true
  for kernel in decode_attention decode_attention_pairs; do
    cuobjdump -sass "$work/$kernel.cubin" > "$out/$name.$kernel.sass"
    echo "$kernel: $(cuobjdump -res-usage "$work/$kernel.cubin" | grep -oE "REG:[0-9]+ STACK:[0-9]+ SHARED:[0-9]+ LOCAL:[0-9]+")"
  done
done < "$variants"
