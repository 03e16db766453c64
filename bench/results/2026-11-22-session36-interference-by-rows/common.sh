# Sourced by this folder's GPU scripts: session 35's (so 34's, 32's ...) environment, header,
# step(), run(), plan_at() and $s27, $s29, $s32, $s34, with session 35's folder as $s35 and this
# folder as $here; and merge_rows(), factors() and plan-functions.sh's plan_8b(), plan_tp4().
source bench/results/2026-11-22-session35-tp4-and-batch-size/common.sh
s35=$here
here=bench/results/2026-11-22-session36-interference-by-rows
source $here/plan-functions.sh

# GEMM beside attention at each GEMM row count, measured on this GPU and merged into a copy of the
# shipped profile SHIPPED at OUT_PROFILE; its factors printed as a table.
merge_rows() { # shipped out_profile
  cp $1 $2
  step merge-$(basename $2 .json) 400 node dist/cli/main.js profile --only attention-interference --merge --out $2
  factors $2 | tee $OUT/factors-$(basename $2 .json).txt
}

# The profile's GEMM-beside-attention points, one row a split and GEMM rows.
factors() { # profile
  node -e '
    const p = JSON.parse(require("fs").readFileSync(process.argv[1], "utf8"));
    console.log("attention SMs | GEMM rows | gemmFactor | partnerFactor | elementwiseFactor");
    for (const x of p.interference.gemmWithAttention)
      console.log([x.partnerSms, x.gemmTokens ?? "(2048)", x.gemmFactor, x.partnerFactor, x.elementwiseFactor ?? ""].join(" | "));
  ' $1
}
