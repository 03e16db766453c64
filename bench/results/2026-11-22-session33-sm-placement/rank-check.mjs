// Does the ranking (pieces read at once, one green context per group) pick what a partition of its
// own reads fastest? The ranked order, then, for each step, every candidate group timed as one
// green context holding the leftover SMs, the groups ranked before it and the candidate.
// usage: node rank-check.mjs [steps] (from the repository root, dist/ built)
import { Gpu } from "../../../dist/runtime/gpu/index.js";
import { compileKernelModule, KERNEL_SIGNATURES } from "../../../dist/runtime/kernels/kernelContracts.js";
import { memoryGroupOrder } from "../../../dist/runtime/kernels/memoryGroups.js";

const steps = Number(process.argv[2] ?? 4);
const gpu = Gpu.open(0);
const { groupCount } = gpu.greenContextSupport();
const order = await memoryGroupOrder(gpu, steps);
console.log(`ranked order: ${order.join(", ")}`);
const module = await compileKernelModule(gpu, "stream_read");
const kernel = module.kernel("stream_read", KERNEL_SIGNATURES.stream_read);
const bytes = 512 * 2 ** 20;
const source = gpu.allocate("int32", bytes / 4);
const sink = gpu.allocate("int32", 132 * 1024);
const [start, end] = [gpu.createEvent(), gpu.createEvent()];
const readTbs = (groups) => {
  const [p] = gpu.createSmPartitions([], { includeRemainder: true, remainderGroups: groups });
  const read = () => kernel.launch(p.stream, { grid: p.smCount, block: 1024 }, source, BigInt(bytes / 16), sink);
  read();
  const us = [0, 1, 2].map(() => {
    start.record(p.stream);
    read();
    end.record(p.stream);
    end.synchronize();
    return end.elapsedMsSince(start) * 1000;
  }).sort((a, b) => a - b)[1];
  p.dispose();
  return bytes / us / 1e6;
};
for (let step = 0; step < steps; step++) {
  const before = order.slice(0, step);
  const row = [];
  for (let g = 0; g < groupCount; g++) if (!before.includes(g)) row.push(`${g}:${readTbs([...before, g]).toFixed(2)}`);
  console.log(`step ${step + 1} (after ${before.join(",") || "none"}), TB/s by candidate: ${row.join(" ")}; ranked ${order[step]}`);
}
