# Sourced by this folder's GPU scripts: session 28's environment, header, step(), run() and $s24
# (session 24's plans), with this folder as $here.
source bench/results/2026-11-22-session28-per-gpu-clocks/common.sh
here=bench/results/2026-11-22-session29-sequential-clocks
