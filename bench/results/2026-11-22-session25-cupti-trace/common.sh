# Sourced by this folder's GPU scripts: session 24's environment, header naming the GPU and commit,
# and step() (which runs one command into $OUT/NAME.txt under a time limit and clears stray node
# processes after it), with this folder as $here and session 24's plans at $s24. (After the runs it
# was made to source session 24's, which it had copied but for these two lines.)
source bench/results/2026-11-21-session24-where-time-goes/common.sh
here=bench/results/2026-11-22-session25-cupti-trace
s24=bench/results/2026-11-21-session24-where-time-goes/raw
