# Sourced by common.sh and make-plans.sh: plan_8b(), plan_tp4() and plan_shard(), each a `nanoweave plan` into
# DIR/NAME.plan.json with the planner's output in DIR/NAME.txt and a line of its figures printed.
s32=${s32:-bench/results/2026-11-22-session32-long-context}

planned() { # dir name
  echo "$2: $(grep -E '^(plan|sequential) ' $1/$2.txt | tr -s ' ' | paste -sd'|')| $(grep -o 'compute.*' $1/$2.txt | head -1)"
}

# Llama-3-8B (all 32 layers) on one GPU at context 1024 with --batch BATCH, planned from PROFILE into
# DIR/llama3-8b-GPU-BATCH.plan.json with the planner's output beside it.
plan_8b() { # gpu batch profile dir
  local name=llama3-8b-$1-$2
  mkdir -p $4
  node dist/cli/main.js plan --model llama3-8b --gpus 1 --gpu $1 --workload decode-1024 --batch $2 --profile $3 \
    --out $4/$name.plan.json --no-gantt > $4/$name.txt 2>&1
  planned $4 $name
}

# Llama-2-70B TP4 (8 layers, 2048 decode tokens, peer all-reduce) at CONTEXT, planned from PROFILE
# into DIR/tp4-peer-ctxCONTEXT.plan.json.
plan_tp4() { # context profile dir
  local workload name=tp4-peer-ctx$1
  case $1 in 1024|4096) workload=decode-$1 ;; *) workload=$s32/workloads/decode-$1.json ;; esac
  mkdir -p $3
  node dist/cli/main.js plan --model llama-70b --gpus 4 --layers 8 --all-reduce-method peer --gpu h200 --profile $2 \
    --workload $workload --batch 2048 --out $3/$name.plan.json --no-gantt > $3/$name.txt 2>&1
  planned $3 $name
}

# The Llama-2-70B TP8 layer shard (16 layers, no all-reduces, 2048 tokens) on GPU at CONTEXT,
# planned from PROFILE into DIR/GPU-ctxCONTEXT-b2048.plan.json (as session 34's plan_at(), which
# needs that session's GPU environment).
plan_shard() { # gpu context profile dir
  local workload name=$1-ctx$2-b2048
  case $2 in 1024|4096) workload=decode-$2 ;; *) workload=$s32/workloads/decode-$2.json ;; esac
  mkdir -p $4
  node dist/cli/main.js plan --model llama-70b --gpus 8 --gpu $1 --profile $3 --no-all-reduce --layers 16 \
    --workload $workload --batch 2048 --out $4/$name.plan.json --no-gantt > $4/$name.txt 2>&1
  planned $4 $name
}
