#!/usr/bin/env bash
set -uo pipefail
source .gpu/env.sh
ln -sfn .gpu-modules/node_modules node_modules
export NANOWEAVE_CACHE_DIR=$(mktemp -d)
while read -r v; do
  env $v timeout -k 2 -s KILL 60 node .exp/v40/ce-bisect.mjs 2>&1 | tail -6 | tee -a $OUT/bisect.txt
  pkill -9 -f "node " ; sleep 0.5
done <<'LIST'
CE_GRAPH=0
CE_PHASES=ready CE_COPIES=0 CE_ADD=0
CE_PHASES=all CE_COPIES=0 CE_ADD=0
CE_PHASES=all CE_COPIES=1 CE_ADD=0
CE_PHASES=all CE_COPIES=1 CE_ADD=1
CE_PHASES=all CE_COPIES=1 CE_ADD=1 CE_MODES=sequential,planned
LIST
