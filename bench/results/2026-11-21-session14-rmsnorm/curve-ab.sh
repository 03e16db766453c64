#!/usr/bin/env bash
# Same machine: RMSNorm's curve and tables from HEAD (ElementwiseOperands) and from the working tree (elementwise-workloads), alternating.
set -uo pipefail
source .gpu/env.sh
ln -sfn .gpu-modules/node_modules node_modules
export NANOWEAVE_CACHE_DIR=$(mktemp -d)
root=$PWD
mkdir -p /tmp/head && tar xzf .exp/v34/head.tgz -C /tmp/head && for d in build configs profiles schema node_modules; do ln -sfn $root/$d /tmp/head/$d; done
for round in 1 2; do for which in head tree; do
  dir=$( [ $which = head ] && echo /tmp/head || echo $root )
  cp $root/profiles/H100-SXM.json /tmp/$which-$round.json
  (cd $dir && timeout 60 node dist/cli/main.js profile --only elementwise --merge --out /tmp/$which-$round.json > /dev/null 2>&1)
  node -e 'const e=JSON.parse(require("fs").readFileSync(process.argv[1])).elementwise; const t=e.tables.find(x=>x.kernel==="rmsnorm"); const i=t.tokens.indexOf(8192);
    console.log(process.argv[2], "launchUs", e.launchUs, "curve", e.bandwidthTBs.slice(0,4).join(" "), "...", e.bandwidthTBs.at(-1), "| rmsnorm table 8192 rows at", t.sms.slice(0,3).join("/"), "SMs:", t.timeUs[i].slice(0,3).join(" "), "us")' /tmp/$which-$round.json "$which $round"
done; done | tee $OUT/curve-ab.txt
