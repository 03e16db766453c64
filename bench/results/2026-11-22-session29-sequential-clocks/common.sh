# Sourced by this folder's GPU scripts: session 28's environment, header, step(), run() and $s24
# (session 24's plans), with this folder as $here; and measure_profile().
source bench/results/2026-11-22-session28-per-gpu-clocks/common.sh
here=bench/results/2026-11-22-session29-sequential-clocks

# The GEMM tables and sustained load measured into $OUT/profile.json, a copy of the shipped profile
# $1, then cool-points.mjs against both. (gpu-profile.sh and gpu-h100.sh each ran these lines
# themselves, with time limits of 480/90 and 330/60 s; they moved here after, unchanged.)
measure_profile() { # shipped-profile
  cp $1 $OUT/profile.json
  step profile 480 node dist/cli/main.js profile --only gemm,sustained-load --merge --out $OUT/profile.json
  tail -3 $OUT/profile.txt
  node -e 'console.log(JSON.stringify(require(process.argv[1]).sustainedLoad))' $OUT/profile.json
  step cool 90 node $here/cool-points.mjs $1 $OUT/profile.json
  cat $OUT/cool.txt
}
