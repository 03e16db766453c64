# Sourced by this folder's GPU scripts: session 32's environment, header, step(), run() and $s27,
# $s29, with session 32's folder as $s32 and this folder as $here; and plan_at(). The pruned
# modules travel packed (`tar cJf` of .gpu-modules/node_modules into .gpu-modules/modules.txz; the
# planner's, highs and mathjs with theirs, into .gpu-modules/plan-modules.txz): unpacked they take
# more of the 64 MiB a call carries.
[ -d .gpu-modules/node_modules ] || tar xJf .gpu-modules/modules.txz -C .gpu-modules
tar xJf .gpu-modules/plan-modules.txz -C .gpu-modules
source bench/results/2026-11-22-session32-long-context/common.sh
s32=$here
here=bench/results/2026-11-22-session34-fresh-profile

# The Llama-2-70B TP8 layer shard (16 layers, no all-reduces, 2048 tokens) at context CONTEXT,
# planned from PROFILE into DIR/GPU-ctxCONTEXT-b2048.plan.json with the planner's output beside it.
plan_at() { # gpu context profile dir
  local gpu=$1 context=$2 profile=$3 dir=$4 workload name=$1-ctx$2-b2048
  case $context in 1024|4096) workload=decode-$context ;; *) workload=$s32/workloads/decode-$context.json ;; esac
  mkdir -p $dir
  node dist/cli/main.js plan --model llama-70b --gpus 8 --gpu $gpu --profile $profile --no-all-reduce --layers 16 \
    --workload $workload --batch 2048 --out $dir/$name.plan.json --no-gantt > $dir/$name.txt 2>&1
  echo "$name: $(grep -E '^(plan|sequential) ' $dir/$name.txt | tr -s ' ' | paste -sd'|')| $(grep -o 'compute.*' $dir/$name.txt | head -1)"
}
