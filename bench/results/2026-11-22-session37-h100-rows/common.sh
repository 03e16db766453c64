# Sourced by this folder's GPU scripts: session 36's (so 35's, 34's ...) environment, header, step(),
# run(), plan_at(), merge_rows(), factors() and $s27 ... $s35, with session 36's folder as $s36 and
# this folder as $here.
source bench/results/2026-11-22-session36-interference-by-rows/common.sh
s36=$here
here=bench/results/2026-11-22-session37-h100-rows

# The profile's GEMM-beside-attention points, one row a split and GEMM rows, with attention beside
# RMSNorm (partnerElementwiseFactor, measured since this session).
factors() { # profile
  node -e '
    const p = JSON.parse(require("fs").readFileSync(process.argv[1], "utf8"));
    console.log("attention SMs | GEMM rows | gemmFactor | partnerFactor | elementwiseFactor | partnerElementwiseFactor");
    for (const x of p.interference.gemmWithAttention)
      console.log([x.partnerSms, x.gemmTokens ?? "(2048)", x.gemmFactor, x.partnerFactor, x.elementwiseFactor ?? "", x.partnerElementwiseFactor ?? ""].join(" | "));
  ' $1
}
