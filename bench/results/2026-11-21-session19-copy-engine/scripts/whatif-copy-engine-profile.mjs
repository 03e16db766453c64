// What the planner would make of an all-reduce that takes no SMs: the shipped H200 profile with the
// 4-GPU all-reduce table replaced by copy-engine estimates from the peer-copy probe (two phases of
// pulling three quarter-pieces at once, plus the sum and the flags), and its interference factors
// set to what the probe showed beside a GEMM and beside a copy loop. Not measured in a plan: an
// estimate for deciding whether the copy-engine all-reduce is worth building.
// Run from the repository root: node bench/results/2026-11-21-session19-copy-engine/scripts/whatif-copy-engine-profile.mjs OUT.json
import { readFileSync, writeFileSync } from "node:fs";
const profile = JSON.parse(readFileSync("profiles/H200-SXM.json", "utf8"));
const table = profile.allReduce.find((entry) => entry.gpus === 4);
// us by bytes: 2 MiB pieces (8 MiB all-reduce) pulled from 3 peers in 31 us, 8 MiB pieces in 79 us (ce-bw).
const estimateUs = { 65536: 15, 262144: 18, 1048576: 25, 4194304: 45, 16777216: 100, 67108864: 290, 268435456: 1050 };
table.timeUs = table.bytes.map((bytes) => table.ctas.map(() => estimateUs[bytes]));
for (const row of profile.interference.gemmWithAllReduce) Object.assign(row, { gemmFactor: 1.02, partnerFactor: 1.1 });
for (const row of profile.interference.allReduceWithAttention) Object.assign(row, { allReduceFactor: 1.26, attentionFactor: 1.05 });
writeFileSync(process.argv[2], JSON.stringify(profile));
