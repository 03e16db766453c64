// Which ingredient of the copy-engine all-reduce hangs per-rank CUDA graphs on 2 GPUs?
// Each rank's graph: signal the peer (flag in the peer's memory), wait for the peer's signal,
// move data (variant), then a second signal/wait pair (as the all-reduce's DONE).
// Usage: node graph-hang-probe.mjs <graph|eager> <signal: memop|kernel> <wait: memop|spin> <move: none|pull|local|kernel-pull> [fork]
import { Gpu } from "../../dist/runtime/gpu/Gpu.js";
const [how, signalBy, waitBy, move, fork] = process.argv.slice(2);
const label = process.argv.slice(2).join(" ");
const SOURCE = `
extern "C" __global__ void signal_flag(int* flag) { __threadfence_system(); *(volatile int*)flag = 1; }
extern "C" __global__ void spin_wait(int* flag) { while (*(volatile int*)flag != 1) {} *(volatile int*)flag = 0; __threadfence_system(); }
extern "C" __global__ void copy_words(int* dst, const int* src, int n) {
  for (int i = blockIdx.x * blockDim.x + threadIdx.x; i < n; i += gridDim.x * blockDim.x) dst[i] = src[i];
}`;
const N = 1 << 20;
const gpus = [Gpu.open(0), Gpu.open(1)];
gpus[0].enablePeerAccess(gpus[1]);
gpus[1].enablePeerAccess(gpus[0]);
const modules = await Promise.all(gpus.map((g) => g.compileModule(SOURCE, { name: "hang_probe.cu" })));
const k = modules.map((m) => ({ signal: m.kernel("signal_flag", ["ptr"]), spin: m.kernel("spin_wait", ["ptr"]), copy: m.kernel("copy_words", ["ptr", "ptr", "i32"]) }));
const flags = gpus.map((g) => g.upload("int32", new Int32Array(8)));
const src = gpus.map((g, r) => g.upload("int32", new Int32Array(N).fill(100 + r)));
const dst = gpus.map((g) => g.upload("int32", new Int32Array(N)));
const origins = gpus.map((g) => g.createStream());
const side = gpus.map((g) => ({ signals: g.createStream(), copies: g.createStream(), e: Array.from({ length: 8 }, () => g.createEvent({ timing: false })) }));

function signal(stream, r, slot) {
  const p = 1 - r;
  if (signalBy === "memop") stream.writeFlag(flags[p], slot * 2 + r, 1);
  else k[r].signal.launch(stream, { grid: 1, block: 1 }, flags[p].at(slot * 2 + r));
}
function wait(stream, r, slot) {
  const p = 1 - r;
  if (waitBy === "memop") {
    stream.waitUntilEquals(flags[r], slot * 2 + p, 1);
    stream.writeFlag(flags[r], slot * 2 + p, 0);
  } else k[r].spin.launch(stream, { grid: 1, block: 1 }, flags[r].at(slot * 2 + p));
}
function moveData(stream, r) {
  const p = 1 - r;
  if (move === "pull") dst[r].copyFrom(src[p], stream);
  else if (move === "local") dst[r].copyFrom(src[r], stream);
  else if (move === "kernel-pull") k[r].copy.launch(stream, { grid: 8, block: 512 }, dst[r], src[p], N);
}
function exchange(r, slot) {
  if (!fork) {
    signal(origins[r], r, slot);
    wait(origins[r], r, slot);
    return;
  }
  // As the all-reduce: signal on a side stream, wait and move on another, joined back by events.
  const s = side[r];
  s.e[0].record(origins[r]); s.signals.waitFor(s.e[0]);
  signal(s.signals, r, slot);
  s.e[1].record(s.signals); s.copies.waitFor(s.e[1]);
  wait(s.copies, r, slot);
  if (slot === 0) moveData(s.copies, r);
  s.e[2].record(s.copies); origins[r].waitFor(s.e[2]);
}
function iteration() {
  for (let r = 0; r < 2; r++) {
    exchange(r, 0);
    if (!fork) moveData(origins[r], r);
  }
  for (let r = 0; r < 2; r++) exchange(r, 1);
}
async function finished(what) {
  const t = Date.now();
  while (!origins.every((s) => s.isIdle())) {
    if (Date.now() - t > 3000) { console.log(`${label}: HUNG at ${what}; idle ${origins.map((s) => s.isIdle())}`); process.exit(1); }
    await new Promise((res) => setTimeout(res, 2));
  }
}
let graphs;
if (how === "graph") {
  for (const o of origins) o.beginCapture("relaxed");
  iteration();
  graphs = origins.map((o) => o.endCapture());
}
const launchStreams = gpus.map((g) => g.createStream());
for (let i = 0; i < 20; i++) {
  if (graphs) {
    graphs.forEach((g, r) => g.launch(launchStreams[r]));
    const t = Date.now();
    while (!launchStreams.every((s) => s.isIdle())) {
      if (Date.now() - t > 3000) { console.log(`${label}: HUNG at replay ${i}; idle ${launchStreams.map((s) => s.isIdle())}`); process.exit(1); }
      await new Promise((res) => setTimeout(res, 2));
    }
  } else {
    iteration();
    await finished(`iteration ${i}`);
  }
}
let bad = 0;
if (move === "pull" || move === "kernel-pull") for (let r = 0; r < 2; r++) { const h = dst[r].download(); if (h.some((v) => v !== 101 - r)) bad++; }
console.log(`${label}: ok, 20 ${how === "graph" ? "replays" : "iterations"}${bad ? `, WRONG DATA on ${bad} ranks` : ""}`);
process.exit(0);
