// Do stream memory operations across GPUs work here? Each check: a waiter stream on one GPU waits a
// flag, a writer stream sets it; polled from the host for up to 2 s.
import { Gpu } from "../../dist/runtime/gpu/Gpu.js";
const g0 = Gpu.open(0), g1 = Gpu.open(1);
g0.enablePeerAccess(g1); g1.enablePeerAccess(g0);
const wait = async (stream, what) => {
  const t = Date.now();
  while (!stream.isIdle()) { if (Date.now() - t > 2000) { console.log(`${what}: HUNG`); return false; } await new Promise((r) => setTimeout(r, 5)); }
  console.log(`${what}: ok (${Date.now() - t} ms)`); return true;
};
async function check(what, waiterGpu, writerGpu, flagsGpu, opts = {}) {
  const flags = flagsGpu.upload("int32", new Int32Array(4));
  const waiter = opts.green ? waiterGpu.createSmPartitions([8], { includeRemainder: true })[0].createStream() : waiterGpu.createStream();
  const writer = opts.greenWriter ? writerGpu.createSmPartitions([8], { includeRemainder: true })[0].createStream() : writerGpu.createStream();
  if (opts.graph) {
    const origin = waiterGpu.createStream();
    origin.beginCapture("relaxed");
    origin.waitUntilEquals(flags, 1, 1);
    origin.writeFlag(flags, 1, 0);
    const graph = origin.endCapture();
    graph.launch(waiter);
  } else {
    waiter.waitUntilEquals(flags, 1, 1);
    waiter.writeFlag(flags, 1, 0);
  }
  await new Promise((r) => setTimeout(r, 50));
  console.log(`${what}: waiter idle before the write? ${waiter.isIdle()}`);
  if (opts.graphWriter) {
    const origin = writerGpu.createStream();
    origin.beginCapture("relaxed");
    origin.writeFlag(flags, 1, 1);
    origin.endCapture().launch(writer);
  } else writer.writeFlag(flags, 1, 1);
  const ok = await wait(waiter, what);
  if (!ok) { writer.synchronize(); const host = new Int32Array(4); try { flags.download(host); } catch (e) { console.log("download:", e.message); } console.log(`${what}: flag words now ${[...host]}`); }
  return ok;
}
await check("a graph's memory write to a peer's flag", g0, g1, g0, { graphWriter: true });
await check("a graph's memory write to its own GPU's flag, waited from the peer", g0, g1, g1, { graphWriter: true });
console.log("done"); process.exit(0);
