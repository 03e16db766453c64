# Sourced by this folder's GPU scripts: session 26's environment, header, step() and $s24 (session
# 24's plans), with this folder as $here.
source bench/results/2026-11-22-session26-rank-skew/common.sh
here=bench/results/2026-11-22-session27-held-all-reduce
