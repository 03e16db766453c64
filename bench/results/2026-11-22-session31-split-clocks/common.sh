# Sourced by this folder's GPU scripts: session 30's (and so session 29's) environment, header,
# step(), run(), $s24 and $s29, with session 30's folder as $s30 and this folder as $here; and
# measure_sustained() and plan().
source bench/results/2026-11-22-session30-shape-factors/common.sh
s30=$here
here=bench/results/2026-11-22-session31-split-clocks
mkdir -p $OUT/plans

# The sustained-load section measured into $OUT/NAME.json, a copy of profile $2, and its factors shown.
measure_sustained() { # name profile
  cp $2 $OUT/$1.json
  step $1 120 node dist/cli/main.js profile --only sustained-load --merge --out $OUT/$1.json
  tail -1 $OUT/$1.txt
  node -e 'console.log(JSON.stringify(require(process.argv[1]).sustainedLoad))' $OUT/$1.json
}

# The TP8 shard (16 layers, 2048 tokens, no all-reduces) or TP4 peer plan (8 layers) of Llama-2-70B
# from a profile, into $OUT/plans/NAME.plan.json with the planner's output beside it.
plan() { # name gpu profile shard|tp4
  local name=$1 gpu=$2 profile=$3 kind=$4 args
  if [ $kind = shard ]; then args="--gpus 8 --no-all-reduce --layers 16"; else args="--gpus 4 --layers 8 --all-reduce-method peer"; fi
  node dist/cli/main.js plan --model llama-70b $args --gpu $gpu --profile $profile --workload decode-1024 --batch 2048 \
    --out $OUT/plans/$name.plan.json --no-gantt > $OUT/plans/$name.txt 2>&1
  grep -E "^(plan|sequential) " $OUT/plans/$name.txt | head -2; grep "SM layout" $OUT/plans/$name.txt
}
