# Sourced by this folder's GPU scripts: session 27's environment, header, step() and $s24 (session
# 24's plans), with this folder as $here and session 27's tools at $s27; and run(), one `nanoweave
# run --json` of a plan printed as text with each rank's op times and clocks. (The 4 x H200 scripts
# each defined run() themselves when they ran; it moved here after, unchanged.)
source bench/results/2026-11-22-session27-held-all-reduce/common.sh
s27=$here
here=bench/results/2026-11-22-session28-per-gpu-clocks

run() { # name plan extra-args...
  local name=$1 plan=$2; shift 2
  step $name 200 node dist/cli/main.js run --plan $plan --iterations 30 --modes planned,sequential --json "$@"
  node $s27/format.mjs $OUT/$name.txt | sed -n 1,22p; node $s27/format.mjs $OUT/$name.txt | grep -E "replayed"
  node $here/rank-busy.mjs $OUT/$name.txt
}
