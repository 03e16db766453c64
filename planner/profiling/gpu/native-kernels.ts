/**
 * nanoweave's own CUDA kernels from native/kernels, compiled by NVRTC for one GPU (through the
 * kernel cache), with the launch rules each source's header states (native/kernels/README.md).
 */
import type { DType, DeviceArray, DevicePointer, Gpu, Kernel, KernelParamType, Stream } from "../../../runtime/gpu/index.js";
import {
  allowAttentionSharedMemory,
  type AttentionArguments,
  type AttentionKernelName,
  type AttentionKernels,
  compileKernelModule,
  holdLaunch,
  KERNEL_SIGNATURES,
  type KernelName,
  launchDecodeAttention,
} from "../../../runtime/kernels/kernelContracts.js";
import { ModelKernels } from "../../../runtime/kernels/modelKernels.js";

type Pointer = DeviceArray<DType> | DevicePointer;

/** The kernels of one GPU, each compiled on first use; they are freed with the GPU's context. */
export class NativeKernels {
  private readonly compiled = new Map<string, Promise<unknown>>();
  private modelKernels: Promise<ModelKernels> | undefined;

  constructor(private readonly gpu: Gpu) {}

  /** On the `sms` SMs it may use (kernelContracts.attentionLaunch). */
  async decodeAttention(): Promise<(stream: Stream, sms: number, args: AttentionArguments) => void> {
    const kernels: AttentionKernels = { decode_attention: await this.attentionKernel("decode_attention"), decode_attention_pairs: await this.attentionKernel("decode_attention_pairs") };
    return (stream, sms, a) => launchDecodeAttention(kernels, stream, sms, a);
  }

  /** The model's kernels with the runtime's launches, so the element-wise tables time what a plan runs; compiled on first use. */
  model(): Promise<ModelKernels> {
    this.modelKernels ??= ModelKernels.compile(this.gpu);
    return this.modelKernels;
  }

  /** `blocks` blocks of 1024 threads reading `bytes` (a multiple of 16) into a sink of blocks * 1024 words. */
  async streamRead(): Promise<(stream: Stream, blocks: number, source: Pointer, bytes: number, sink: DeviceArray<"int32">) => void> {
    const kernel = await this.kernel("stream_read", KERNEL_SIGNATURES.stream_read);
    return (stream, blocks, source, bytes, sink) => kernel.launch(stream, { grid: blocks, block: 1024 }, source, BigInt(bytes / 16), sink);
  }

  /** One block of 128 threads per SM of the stream's partition (`sms`), each spinning `ns` nanoseconds. */
  async hold(): Promise<(stream: Stream, sms: number, ns: number, sink: DeviceArray<"int32">) => void> {
    const kernel = await this.kernel("hold", KERNEL_SIGNATURES.hold);
    return (stream, sms, ns, sink) => kernel.launch(stream, holdLaunch(sms), BigInt(ns), sink);
  }

  private async attentionKernel(name: AttentionKernelName): Promise<Kernel<(typeof KERNEL_SIGNATURES)[AttentionKernelName]>> {
    const kernel = await this.kernel(name, KERNEL_SIGNATURES[name]);
    allowAttentionSharedMemory(this.gpu, kernel);
    return kernel;
  }

  private kernel<const S extends readonly KernelParamType[]>(name: KernelName, signature: S): Promise<Kernel<S>> {
    let pending = this.compiled.get(name);
    if (!pending) {
      pending = (async () => {
        const module = await compileKernelModule(this.gpu, name);
        return module.kernel(name, signature);
      })();
      this.compiled.set(name, pending);
    }
    return pending as Promise<Kernel<S>>;
  }
}
