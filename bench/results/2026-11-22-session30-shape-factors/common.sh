# Sourced by this folder's GPU scripts: session 29's (and so session 28's) environment, header,
# step(), run(), $s24 (session 24's plans), with this folder as $here.
source bench/results/2026-11-22-session29-sequential-clocks/common.sh
s29=$here
here=bench/results/2026-11-22-session30-shape-factors
