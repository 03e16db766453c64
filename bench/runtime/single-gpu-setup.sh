# Sourced by the single-GPU device scripts here, from the repository root, after `out` is set: links
# the pruned node_modules, names the GPU's kind (h100 or h200, for the plan files) and defines
# `header`, the lines that start each kept output (date, GPU, driver, node, commit, libraries).
[ -e node_modules ] || ln -s .gpu-modules/node_modules node_modules
gpu=$(nvidia-smi --query-gpu=name --format=csv,noheader | head -1)
case "$gpu" in *H200*) kind=h200 ;; *) kind=h100 ;; esac
header() {
  echo "# $(date -u +%Y-%m-%dT%H:%MZ) $(nvidia-smi --query-gpu=name,driver_version --format=csv,noheader | head -1)"
  echo "# node $(node --version), commit $(git rev-parse --short HEAD 2>/dev/null || echo unknown), $(node dist/cli/main.js doctor 2>/dev/null | grep -iE 'cublas|nvrtc|cuda' | tr -s ' ' | paste -sd';')"
}
