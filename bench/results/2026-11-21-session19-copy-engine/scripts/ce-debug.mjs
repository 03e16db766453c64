// Where does the copy-engine all-reduce hang? Each all-reduce of the tiny TP2 plan alone, eagerly,
// in each mode; on a hang, every rank's flags and which of its streams are idle.
import { Runtime } from "../../dist/runtime/Runtime.js";
import { tinyTp2PlanPath } from "../../dist/test/support/tinyLlama.js";
const rt = await Runtime.create({ plan: tinyTp2PlanPath("h200"), modes: ["sequential", "planned"], maxContext: 64, allReduce: "copy-engine", useGraph: false });
const ce = rt.allReduces.get("sequential");
const dump = async (what) => {
  for (const [r, rank] of ce.ranks.entries()) {
    const host = new Int32Array(rank.flags.length);
    rank.flags.download(host);
    console.log(`  ${what} rank ${r}: flags [ready, summed, done] x peer = ${[...host]}; signals idle ${rank.signals.isIdle()}; copy idle ${rank.copyStreams.map((s) => s.isIdle())}`);
  }
};
const settle = async (stream, what) => {
  const t = Date.now();
  while (!stream.isIdle()) { if (Date.now() - t > 3000) { console.log(`${what}: HUNG`); await dump(what); return false; } await new Promise((r) => setTimeout(r, 2)); }
  console.log(`${what}: ok`); return true;
};
for (const mode of ["sequential", "planned"]) {
  const ex = rt.execution(mode);
  const ops = ex.operations.operations.filter((op) => op.kind === "all_reduce");
  console.log(mode, ops.map((op) => `${op.id} rows ${op.rows} lane ${ex.operations.laneOf(op)}`).join("; "));
  for (let i = 0; i < 3; i++) for (const op of ops) {
    const stream = ex.launchAlone(op);
    if (!(await settle(stream, `${mode} ${op.id} #${i}`))) process.exit(1);
  }
}
console.log("eager all-reduces alone: all ok"); process.exit(0);
