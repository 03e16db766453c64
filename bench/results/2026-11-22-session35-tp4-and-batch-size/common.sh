# Sourced by this folder's GPU scripts: session 34's environment, header, step(), run(), plan_at()
# and $s27, $s29, $s32, with session 34's folder as $s34 and this folder as $here.
source bench/results/2026-11-22-session34-fresh-profile/common.sh
s34=$here
here=bench/results/2026-11-22-session35-tp4-and-batch-size
