/**
 * The element-wise kernel the profile times: RMSNorm over ELEMENTWISE_ROWS rows of
 * ELEMENTWISE_HIDDEN, on random bf16 data (each buffer larger than L2).
 */
import type { DeviceArray } from "../../../runtime/gpu/index.js";
import type { ModelKernels } from "../../../runtime/kernels/modelKernels.js";
import type { GpuContext } from "./gpu-context.js";
import type { SmShare } from "./partitions.js";
import { graphWorkload, type Workload } from "./workload.js";

export const ELEMENTWISE_ROWS = 8192;
export const ELEMENTWISE_HIDDEN = 8192;

export class ElementwiseOperands {
  /** Bytes one launch over every row moves: x read, out written. */
  static readonly BYTES = 2 * ELEMENTWISE_ROWS * ELEMENTWISE_HIDDEN * 2;

  private constructor(
    private readonly kernels: ModelKernels,
    private readonly arrays: { x: DeviceArray<"bf16">; weight: DeviceArray<"bf16">; out: DeviceArray<"bf16"> },
  ) {}

  static async create(ctx: GpuContext): Promise<ElementwiseOperands> {
    const kernels = await ctx.kernels.model();
    const elements = ELEMENTWISE_ROWS * ELEMENTWISE_HIDDEN;
    return new ElementwiseOperands(kernels, { x: ctx.random.bf16(elements), weight: ctx.random.bf16(ELEMENTWISE_HIDDEN), out: ctx.random.bf16(elements) });
  }

  /** One launch over `rows` rows on the share per repetition. */
  workload({ stream, smCount }: SmShare, rows = ELEMENTWISE_ROWS): Workload {
    const { x, weight, out } = this.arrays;
    return graphWorkload([stream], () => this.kernels.rmsnorm(stream, { rowBegin: 0, rowEnd: rows }, smCount, x, weight, out, ELEMENTWISE_HIDDEN, 1e-5));
  }

  dispose(): void {
    for (const array of Object.values(this.arrays)) array.dispose();
  }
}
