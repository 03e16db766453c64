#!/usr/bin/env bash
# Runs the addon's CPU and GPU tests plus `nanoweave doctor` on a GPU host that has no Node.js or
# npm, from a tree prepared here: `bash ../shared/gpu/prepare.sh` (node in .gpu/), `npm run build`,
# `npm run build:native`, then `bash test/gpu/run-on-device.sh --prepare` (copies the runtime
# dependencies into .gpu/node_modules). Test files run one at a time: some read the whole GPU's free
# memory, which another test process would disturb. On the GPU host, from the repository root:
#   source .gpu/env.sh && bash test/gpu/run-on-device.sh [output-dir]
set -euo pipefail
cd "$(dirname "$0")/../.."

if [ "${1:-}" = "--prepare" ]; then
  # The CLI needs yargs and what it imports; the GPU layer needs nothing beyond Node.
  rm -rf .gpu/node_modules && mkdir -p .gpu/node_modules
  for package in yargs yargs-parser cliui escalade get-caller-file string-width strip-ansi ansi-regex \
      wrap-ansi ansi-styles y18n emoji-regex get-east-asian-width zod; do
    cp -r "node_modules/$package" .gpu/node_modules/
  done
  du -sh .gpu/node_modules
  exit 0
fi

out=${1:-${OUT:-/tmp}}
[ -e node_modules ] || ln -s .gpu/node_modules node_modules
export NANOWEAVE_CACHE_DIR=$(mktemp -d)
{
  echo "# $(date -u +%Y-%m-%dT%H:%MZ) $(nvidia-smi --query-gpu=name,driver_version --format=csv,noheader | head -1)"
  echo "# node $(node --version), commit $(git rev-parse --short HEAD 2>/dev/null || echo unknown)"
  echo "\$ node dist/cli/main.js doctor"
  node dist/cli/main.js doctor || true
  echo "\$ node --test --test-concurrency=1 --test-reporter=spec dist/test/native/ dist/test/gpu/"
  node --test --test-concurrency=1 --test-reporter=spec dist/test/native/ dist/test/gpu/
} 2>&1 | tee "$out/addon-tests.txt"
