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
  KERNEL_SIGNATURES,
  type KernelName,
  launchDecodeAttention,
} from "../../../runtime/kernels/kernelContracts.js";

type Bf16 = DeviceArray<"bf16">;
type Pointer = DeviceArray<DType> | DevicePointer;

/** The kernels of one GPU, each compiled on first use. */
export class NativeKernels {
  private readonly compiled = new Map<string, Promise<unknown>>();

  constructor(private readonly gpu: Gpu) {}

  /** On the `sms` SMs it may use (kernelContracts.attentionLaunch). */
  async decodeAttention(): Promise<(stream: Stream, sms: number, args: AttentionArguments) => void> {
    const kernels: AttentionKernels = { decode_attention: await this.attentionKernel("decode_attention"), decode_attention_pairs: await this.attentionKernel("decode_attention_pairs") };
    return (stream, sms, a) => launchDecodeAttention(kernels, stream, sms, a);
  }

  /** One block of 256 threads per row. */
  async rmsnorm(): Promise<(stream: Stream, x: Bf16, weight: Bf16, out: Bf16, rows: number, hidden: number) => void> {
    const kernel = await this.kernel("rmsnorm", KERNEL_SIGNATURES.rmsnorm);
    return (stream, x, weight, out, rows, hidden) => kernel.launch(stream, { grid: rows, block: 256 }, x, weight, out, 0, rows, hidden, 1e-5);
  }

  /** `blocks` blocks of 1024 threads reading `bytes` (a multiple of 16) into a sink of blocks * 1024 words. */
  async streamRead(): Promise<(stream: Stream, blocks: number, source: Pointer, bytes: number, sink: DeviceArray<"int32">) => void> {
    const kernel = await this.kernel("stream_read", KERNEL_SIGNATURES.stream_read);
    return (stream, blocks, source, bytes, sink) => kernel.launch(stream, { grid: blocks, block: 1024 }, source, BigInt(bytes / 16), sink);
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
