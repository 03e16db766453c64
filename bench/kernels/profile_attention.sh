#!/usr/bin/env bash
# Nsight Compute profile of decode_attention on green partitions: warp stall reasons, issue and
# occupancy, memory throughput. From the repository root, on a GPU machine with ncu:
#   [ATTENTION_LAUNCH=W,B,BYTES] bash bench/kernels/profile_attention.sh OUT_DIR NAME SIZES [SOURCE.cu [NAME=VALUE ...]]
# Writes OUT_DIR/NAME.ncu-rep and OUT_DIR/NAME-ncu.csv (one row per decode_attention launch:
# the first of each size's launches is a warm-up, the rest are the ones to read).
set -euo pipefail
out=$1 name=$2 sizes=$3 source=${4:-}
shift $(( $# < 4 ? $# : 4 ))
mkdir -p "$out"
work=$(mktemp -d)
bash bench/kernels/build.sh "$work/kernel_bench"
args=(--skip-checks --sizes "$sizes" --warmup 1 --reps 2)
[ -n "$source" ] && args+=(--attention-source "$source")
[ -n "${ATTENTION_LAUNCH:-}" ] && args+=(--attention-launch "$ATTENTION_LAUNCH")
for d in "$@"; do args+=(--attention-define "$d"); done
metrics=$(tr -d ' \n' <<'M'
sm__cycles_elapsed.avg.per_second,gpu__time_duration.sum,launch__grid_size,sm__warps_active.avg.pct_of_peak_sustained_active,
smsp__issue_active.avg.pct_of_peak_sustained_active,smsp__inst_executed.sum,smsp__warps_active.avg.per_cycle_active,
smsp__average_warp_latency_per_inst_issued.ratio,
smsp__average_warps_issue_stalled_long_scoreboard_per_issue_active.ratio,
smsp__average_warps_issue_stalled_short_scoreboard_per_issue_active.ratio,
smsp__average_warps_issue_stalled_wait_per_issue_active.ratio,
smsp__average_warps_issue_stalled_barrier_per_issue_active.ratio,
smsp__average_warps_issue_stalled_membar_per_issue_active.ratio,
smsp__average_warps_issue_stalled_mio_throttle_per_issue_active.ratio,
smsp__average_warps_issue_stalled_lg_throttle_per_issue_active.ratio,
smsp__average_warps_issue_stalled_math_pipe_throttle_per_issue_active.ratio,
smsp__average_warps_issue_stalled_not_selected_per_issue_active.ratio,
smsp__average_warps_issue_stalled_selected_per_issue_active.ratio,
smsp__average_warps_issue_stalled_dispatch_stall_per_issue_active.ratio,
smsp__average_warps_issue_stalled_no_instruction_per_issue_active.ratio,
smsp__average_warps_issue_stalled_branch_resolving_per_issue_active.ratio,
smsp__average_warps_issue_stalled_drain_per_issue_active.ratio,
smsp__average_warps_issue_stalled_sleeping_per_issue_active.ratio,
smsp__average_warps_issue_stalled_tex_throttle_per_issue_active.ratio,
smsp__average_warps_issue_stalled_imc_miss_per_issue_active.ratio,
smsp__average_warps_issue_stalled_misc_per_issue_active.ratio,
dram__bytes_read.sum.per_second,dram__throughput.avg.pct_of_peak_sustained_elapsed,
lts__t_sector_hit_rate.pct,l1tex__data_pipe_lsu_wavefronts_mem_shared.avg.pct_of_peak_sustained_elapsed,
l1tex__throughput.avg.pct_of_peak_sustained_active,sm__pipe_tensor_op_hmma_cycles_active.avg.pct_of_peak_sustained_active,
l1tex__m_xbar2l1tex_read_bytes.sum.per_second,lts__t_sectors_srcunit_tex_op_read.sum
M
)
ncu --clock-control none --kernel-name decode_attention --metrics "$metrics" \
  --section WarpStateStats --section Occupancy --section SpeedOfLight \
  -f -o "$out/$name" "$work/kernel_bench" "${args[@]}"
ncu --import "$out/$name.ncu-rep" --page raw --csv > "$out/$name-ncu.csv"
