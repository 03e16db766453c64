// Bisects the copy-engine all-reduce's graph hang in the real runtime (tiny TP2 plan): the
// all-reduce's protocol cut down by env knobs, each run polled for 3 s per step.
// CE_PHASES=ready|all  CE_COPIES=0|1  CE_ADD=0|1  CE_MODES=sequential[,planned]  CE_GRAPH=0|1
import { Runtime } from "../../dist/runtime/Runtime.js";
import { ModeExecution } from "../../dist/runtime/engine/modeExecution.js";
import { CopyEngineAllReduce } from "../../dist/runtime/engine/copyEngineAllReduce.js";
import { tinyTp2PlanPath } from "../../dist/test/support/tinyLlama.js";
const env = (name, fallback) => process.env[name] ?? fallback;
const phases = env("CE_PHASES", "all"), copies = env("CE_COPIES", "1") === "1", add = env("CE_ADD", "1") === "1";
const modes = env("CE_MODES", "sequential").split(","), useGraph = env("CE_GRAPH", "1") === "1";
const label = `phases=${phases} copies=${copies} add=${add} modes=${modes} graph=${useGraph}`;
let allReduce;
const READY = 0, SUMMED = 1, DONE = 2;
CopyEngineAllReduce.prototype.sumRows = function (streams, rows) {
  allReduce = this;
  const hidden = this.ranks[0].engine.state.shape.hiddenSize;
  const begin = rows[0] * hidden, count = (rows[1] - rows[0]) * hidden;
  const length = Math.ceil(count / this.ranks.length / 8) * 8;
  const piece = (rank) => { const start = Math.min(count, rank * length); return { begin: begin + start, count: Math.min(count, start + length) - start }; };
  const residual = (rank) => this.ranks[rank].engine.state.buffers.residual;
  this.ranks.forEach((rank, r) => this.signal(streams[r], rank, r, READY));
  this.ranks.forEach((rank, r) => {
    const mine = piece(r);
    this.eachPeer(r, (p, j) => {
      const s = rank.copyStreams[j];
      s.waitFor(rank.signalled);
      this.awaitSignal(s, r, p, READY);
      if (copies && mine.count > 0) rank.staging.copyFrom(residual(p), s, mine.begin, j * this.pieceCapacity, mine.count);
      rank.copied[j].record(s);
      streams[r].waitFor(rank.copied[j]);
    });
    if (add && mine.count > 0) rank.engine.state.kernels.addPartials(streams[r], residual(r), rank.staging, { begin: mine.begin, count: mine.count, stride: this.pieceCapacity, parts: this.ranks.length - 1 });
    if (phases === "all") this.signal(streams[r], rank, r, SUMMED);
  });
  if (phases !== "all") return;
  this.ranks.forEach((rank, r) => {
    this.eachPeer(r, (p, j) => {
      const s = rank.copyStreams[j], theirs = piece(p);
      s.waitFor(rank.signalled);
      this.awaitSignal(s, r, p, SUMMED);
      if (copies && theirs.count > 0) residual(r).copyFrom(residual(p), s, theirs.begin, theirs.begin, theirs.count);
      rank.copied[j].record(s);
      streams[r].waitFor(rank.copied[j]);
    });
    this.signal(streams[r], rank, r, DONE);
  });
  this.ranks.forEach((rank, r) => {
    this.eachPeer(r, (p) => this.awaitSignal(rank.signals, r, p, DONE));
    rank.finished.record(rank.signals);
    streams[r].waitFor(rank.finished);
  });
};
let current;
const original = ModeExecution.prototype.launch;
ModeExecution.prototype.launch = function (graph) {
  original.call(this, graph);
  const t = Date.now();
  while (!this.ranks.every((rank) => rank.origin.isIdle())) {
    if (Date.now() - t > 3000) {
      console.log(`${label}: HUNG at ${current} (fallback ${this.graphFallback})`);
      for (const [r, rank] of allReduce.ranks.entries()) {
        const host = new Int32Array(rank.flags.length);
        rank.flags.nativeFor("dump").download(0, host);
        console.log(`  rank ${r} flags [ready, summed, done] x rank: ${[...host]}; origin idle ${this.ranks[r].origin.isIdle()}`);
      }
      process.exit(1);
    }
  }
};
const requests = Array.from({ length: 256 }, (_, r) => ({ token: (r * 53 + 7) % 500, position: 0, pages: Array.from({ length: 4 }, (_, k) => k * 256 + r) }));
const rt = await Runtime.create({ plan: tinyTp2PlanPath("h200"), modes, maxContext: 64, allReduce: "copy-engine", useGraph });
for (const mode of modes) for (let i = 0; i < 4; i++) {
  current = `${mode} step ${i}`;
  rt.step(requests, { mode });
}
console.log(`${label}: ok`);
rt.dispose();
process.exit(0);
