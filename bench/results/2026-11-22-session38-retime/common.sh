# Sourced by this folder's GPU scripts: session 37's (so 36's, 35's ...) environment, header, step(),
# run() and the plan functions, with session 37's folder as $s37 and this folder as $here.
source bench/results/2026-11-22-session37-h100-rows/common.sh
s37=$here
here=bench/results/2026-11-22-session38-retime
