// The copy-engine all-reduce in whole iterations of the tiny TP2 plan: eager, then graphs; each
// launch polled for 3 s, and on a hang every rank's flags and stream states are printed.
import { Runtime } from "../../dist/runtime/Runtime.js";
import { ModeExecution } from "../../dist/runtime/engine/modeExecution.js";
import { tinyTp2PlanPath } from "../../dist/test/support/tinyLlama.js";
let current;
const original = ModeExecution.prototype.launch;
ModeExecution.prototype.launch = function (useGraph) {
  original.call(this, useGraph);
  const t = Date.now();
  while (!this.origin.isIdle()) {
    if (Date.now() - t > 3000) {
      console.log(`${current}: HUNG (graph ${useGraph}, fallback ${this.graphFallback})`);
      for (const [r, rank] of this.allReduce.ranks.entries()) {
        const host = new Int32Array(rank.flags.length);
        rank.flags.download(host);
        console.log(`  rank ${r}: flags [ready, summed, done] x peer = ${[...host]}; signals idle ${rank.signals.isIdle()}; copy idle ${rank.copyStreams.map((s) => s.isIdle())}`);
      }
      for (const [r, rank] of this.ranks.entries()) console.log(`  rank ${r} lanes idle: ${this.schedule.lanes.map((l) => `${l} ${rank.lanes.lane(l).stream.isIdle()}`).join(", ")}`);
      process.exit(1);
    }
  }
};
const requests = Array.from({ length: 256 }, (_, r) => ({ token: (r * 53 + 7) % 500, position: 0, pages: Array.from({ length: 4 }, (_, k) => k * 256 + r) }));
for (const useGraph of [false, true]) {
  const rt = await Runtime.create({ plan: tinyTp2PlanPath("h200"), modes: ["sequential", "planned"], maxContext: 64, allReduce: "copy-engine", useGraph });
  for (const mode of ["sequential", "planned"]) for (let i = 0; i < 3; i++) {
    current = `${mode} step ${i} graph ${useGraph}`;
    rt.step(requests, { mode });
    console.log(`${current}: ok`);
  }
  rt.dispose();
}
console.log("all ok"); process.exit(0);
