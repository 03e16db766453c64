# Sourced by this folder's GPU scripts: session 27's environment, header, step() and $s24 (session
# 24's plans), with this folder as $here and session 27's tools at $s27.
source bench/results/2026-11-22-session27-held-all-reduce/common.sh
s27=$here
here=bench/results/2026-11-22-session28-per-gpu-clocks
