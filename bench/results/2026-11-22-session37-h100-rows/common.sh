# Sourced by this folder's GPU scripts: session 36's (so 35's, 34's ...) environment, header, step(),
# run(), plan_at(), merge_rows(), factors() and $s27 ... $s35, with session 36's folder as $s36 and
# this folder as $here.
source bench/results/2026-11-22-session36-interference-by-rows/common.sh
s36=$here
here=bench/results/2026-11-22-session37-h100-rows
