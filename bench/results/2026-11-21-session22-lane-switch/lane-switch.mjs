// Experiment: what a dependency between lanes costs inside a CUDA graph (H100/H200), against the
// same chain of kernels on one stream. Spin kernels of fixed length, one block per SM of the lane.
import { Gpu } from "../../../dist/runtime/gpu/index.js";

const gpu = Gpu.open(0);
const sms = gpu.info.smCount;
const mod = await gpu.compileModule(`
extern "C" __global__ void spin(long long ns, int* sink) {
  unsigned long long t0, t;
  asm volatile("mov.u64 %0, %%globaltimer;" : "=l"(t0));
  t = t0;
  while ((long long)(t - t0) < ns) asm volatile("mov.u64 %0, %%globaltimer;" : "=l"(t));
  if (t == 0) sink[0] = 1;
}`);
const spin = mod.kernel("spin", ["i64", "ptr"]);
const sink = gpu.allocate("int32", 1);
const whole = gpu.createStream();
const whole2 = gpu.createStream();
const [comp, net, mem] = gpu.createSmPartitions([104, 8], { includeRemainder: true });
const lanes = { whole: [whole, sms], whole2: [whole2, sms], comp: [comp.stream, 104], net: [net.stream, 8], mem: [mem.stream, mem.smCount] };
const ev = () => gpu.createEvent({ timing: false });
const N = 48;

function launch(lane, ns) { const [s, b] = lanes[lane]; spin.launch(s, { grid: [b, 1, 1], block: [128, 1, 1] }, BigInt(ns), sink); }
function dep(from, to) { const e = ev(); e.record(lanes[from][0]); lanes[to][0].waitFor(e); }

// body(ns) issues one graph's work starting and ending on `whole`; every lane joins from whole.
function capture(used, body) {
  whole.beginCapture("global");
  for (const l of used) if (l !== "whole") dep("whole", l);
  body();
  for (const l of used) if (l !== "whole") dep(l, "whole");
  return whole.endCapture();
}
function time(graph) {
  const a = gpu.createEvent(), b = gpu.createEvent();
  for (let i = 0; i < 3; i++) graph.launch(whole);
  whole.synchronize();
  const xs = [];
  for (let r = 0; r < 9; r++) { a.record(whole); graph.launch(whole); b.record(whole); b.synchronize(); xs.push(b.elapsedMsSince(a) * 1000); }
  xs.sort((p, q) => p - q);
  return xs[4];
}
const patterns = {
  // N kernels on one lane
  "same:whole": (ns) => capture(["whole"], () => { for (let i = 0; i < N; i++) launch("whole", ns); }),
  "same:comp": (ns) => capture(["comp"], () => { for (let i = 0; i < N; i++) launch("comp", ns); }),
  // alternating lanes, each kernel waits for the one before
  "alt:whole-whole2": (ns) => alt(["whole", "whole2"], ns),
  "alt:comp-mem": (ns) => alt(["comp", "mem"], ns),
  "alt:whole-comp": (ns) => alt(["whole", "comp"], ns),
  // a whole-GPU op joining and forking three partition lanes, N/2 times
  "phase:3lanes+whole": (ns) => capture(["whole", "comp", "mem", "net"], () => {
    for (let i = 0; i < N / 2; i++) {
      for (const l of ["comp", "mem", "net"]) { dep("whole", l); launch(l, ns); }
      for (const l of ["comp", "mem", "net"]) dep(l, "whole");
      launch("whole", ns);
    }
  }),
  // same count of kernels: three lanes concurrently then one lane, all on plain streams of one lane (reference)
  "phase:3lanes-only": (ns) => capture(["whole", "comp", "mem", "net"], () => {
    for (let i = 0; i < N / 2; i++) {
      for (const l of ["comp", "mem", "net"]) { dep("whole", l); launch(l, ns); }
      for (const l of ["comp", "mem", "net"]) dep(l, "whole");
    }
  }),
};
function alt(pair, ns) {
  return capture(pair, () => { for (let i = 0; i < N; i++) { const l = pair[i % 2]; if (i > 0) dep(pair[(i + 1) % 2], l); launch(l, ns); } });
}
console.log(`${gpu.info.name}, ${sms} SMs, CUDA_DEVICE_MAX_CONNECTIONS=${process.env.CUDA_DEVICE_MAX_CONNECTIONS ?? "(default)"}; ${N} kernels a graph, median of 9 replays`);
for (const ns of [0, 2000, 10000]) {
  for (const [name, make] of Object.entries(patterns)) {
    const g = make(ns);
    const us = time(g);
    const per = name.startsWith("phase") ? us / (N / 2) : us / N;
    console.log(`spin ${String(ns / 1000).padStart(4)} us  ${name.padEnd(22)} ${us.toFixed(1).padStart(8)} us a graph, ${per.toFixed(2).padStart(7)} us ${name.startsWith("phase") ? "a phase" : "a kernel"}`);
    g.dispose();
  }
}
