# Sourced by this folder's GPU scripts: session 31's (so 30's, 29's, 28's) environment, header,
# step() and $s29, with session 31's folder as $s31 and this folder as $here; and run(), one
# `nanoweave run --json` of a plan into $OUT/NAME.txt, printed as text by session 27's format.mjs.
source bench/results/2026-11-22-session31-split-clocks/common.sh
s31=$here
here=bench/results/2026-11-22-session32-long-context

run() { # name plan extra-args...
  local name=$1 plan=$2; shift 2
  step $name 240 node dist/cli/main.js run --plan $plan --iterations 30 --modes planned,sequential --json "$@"
  node $s27/format.mjs $OUT/$name.txt | sed -n 1,24p
}
