# Sourced by this folder's GPU scripts: the device's environment, a header naming the GPU and
# commit, and step(), which runs one command into $OUT/NAME.txt under a time limit and clears stray
# node processes after it.
set -uo pipefail
source .gpu/env.sh
ln -sfn .gpu-modules/node_modules node_modules
export NANOWEAVE_CACHE_DIR=$(mktemp -d)
here=bench/results/2026-11-22-session26-rank-skew
s24=bench/results/2026-11-21-session24-where-time-goes/raw
hdr="# $(date -u +%FT%TZ) $(nvidia-smi --query-gpu=name,driver_version,power.limit,clocks.max.sm --format=csv,noheader | sort | uniq -c | tr -s ' '), code: commit ${COMMIT:-?}"
t0=$SECONDS
step() { # name timeout command...
  local name=$1 limit=$2; shift 2
  { echo "$hdr"; echo "\$ $*"; timeout -k 5 -s KILL $limit "$@" 2>&1; } > $OUT/$name.txt
  pkill -9 -f "node "; echo "[$name $((SECONDS-t0)) s]"
}
