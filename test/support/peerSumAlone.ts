/**
 * Run in a child process by the peer-sum GPU test (a kernel that traps leaves its GPU's context
 * unusable for the rest of the process): rank 0 of the peer all-reduce launches on GPU 0, and GPU
 * 1's rank never does, as when a peer is dead or a caller skipped a rank. Rank 0's barrier waits
 * out its 10 s limit and traps. Prints the error the wait raised and how long it took, disposes of
 * everything, and says so; exits 1 if the wait ended without an error.
 */
import { Gpu } from "../../runtime/gpu/Gpu.js";
import { ModelKernels } from "../../runtime/kernels/modelKernels.js";
import { PeerSum } from "../../runtime/kernels/peerSum.js";

const gpus = [Gpu.open(0), Gpu.open(1)];
const kernels = [await ModelKernels.compile(gpus[0]!), await ModelKernels.compile(gpus[1]!)];
const peer = PeerSum.create(gpus.map((gpu, rank) => ({ gpu, kernels: kernels[rank]! })));
const buffers = gpus.map((gpu) => gpu.upload("bf16", new Float32Array(1024)));
const stream = gpus[0]!.createStream();
const started = performance.now();
try {
  peer.launchRank(0, stream, buffers, 0, 1024, 8);
  stream.synchronize();
  console.log("the lone rank finished without an error");
  process.exitCode = 1;
} catch (error) {
  console.log(`error after ${((performance.now() - started) / 1000).toFixed(1)} s: ${(error as Error).message}`);
} finally {
  for (const resource of [stream, ...buffers, peer, ...kernels, ...gpus]) resource.dispose();
  console.log("disposed");
}
