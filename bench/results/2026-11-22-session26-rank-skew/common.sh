# Sourced by this folder's GPU scripts: session 25's environment, header and step() (which runs one
# command into $OUT/NAME.txt under a time limit), with this folder as $here.
source bench/results/2026-11-22-session25-cupti-trace/common.sh
here=bench/results/2026-11-22-session26-rank-skew
