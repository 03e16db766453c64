// Where GPU memory goes when green contexts are made and dropped: free memory (MiB) after each
// step, on GPU 0. usage: node memory-check.mjs (from the repository root, dist/ built)
import { Gpu } from "../../../dist/runtime/gpu/index.js";
import { compileKernelModule, KERNEL_SIGNATURES } from "../../../dist/runtime/kernels/kernelContracts.js";
import { memoryGroupOrder } from "../../../dist/runtime/kernels/memoryGroups.js";

const gpu = Gpu.open(0);
const free = () => gpu.memoryInfo().freeBytes / 2 ** 20;
let last = free();
const report = (what) => {
  const now = free();
  console.log(`${what}: free ${now.toFixed(0)} MiB (${(now - last).toFixed(0)})`);
  last = now;
};
report("opened");
const module = await compileKernelModule(gpu, "stream_read");
const kernel = module.kernel("stream_read", KERNEL_SIGNATURES.stream_read);
report("stream_read loaded");
const source = gpu.allocate("int32", 2 ** 20);
const sink = gpu.allocate("int32", 132 * 1024);
report("buffers");
for (const launch of [false, true]) {
  for (let i = 0; i < 20; i++) {
    const [p] = gpu.createSmPartitions([], { includeRemainder: true, remainderGroups: [i % 15] });
    if (launch) kernel.launch(p.stream, { grid: p.smCount, block: 1024 }, source, BigInt(2 ** 22 / 16), sink);
    p.stream.synchronize();
    p.dispose();
  }
  report(`20 remainders made and dropped, ${launch ? "a read launched on each" : "no launch"}`);
}
for (let i = 0; i < 20; i++) {
  const [a, b] = gpu.createSmPartitions([112], { includeRemainder: true });
  kernel.launch(b.stream, { grid: b.smCount, block: 1024 }, source, BigInt(2 ** 22 / 16), sink);
  b.stream.synchronize();
  a.dispose();
  b.dispose();
}
report("20 driver splits (112 + remainder) made and dropped, a read on each remainder");
await memoryGroupOrder(gpu, 7);
report("memoryGroupOrder(7)");
gpu.synchronize();
report("synchronized");
for (const r of [sink, source, module]) r.dispose();
report("buffers and module dropped");
