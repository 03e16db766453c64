/**
 * cuBLAS for one SM partition: the handle's SM count target tells cuBLAS's heuristics the
 * partition's size (it confines nothing; the partition's stream does). bf16 GEMM, fp32 accumulate.
 *
 * Convention (row-major, as PyTorch's Linear): C[m,n] = A[m,k] · B[n,k]^T, so B holds weights as
 * [out_features, in_features]. A row range of A and C (a nano-batch) is given with rowOffset.
 */
import type { NativeCublasHandle, NativeGemmAlgorithm } from "../binding/AddonTypes.js";
import { DeviceArray } from "./DeviceArray.js";
import type { DType } from "./dtype.js";
import { GpuResource } from "./GpuResource.js";
import type { Gpu } from "./Gpu.js";
import { Stream } from "./Stream.js";
import { expectFiniteNumber, expectInstance, expectInteger, expectSameGpu, fail } from "./validate.js";

export interface GemmArguments {
  stream: Stream;
  /** Activations [rows, k], bf16. */
  a: DeviceArray<"bf16">;
  /** Weights [n, k], bf16. */
  b: DeviceArray<"bf16">;
  /** Output [rows, n], bf16 or fp32. */
  c: DeviceArray<"bf16"> | DeviceArray<"fp32">;
  /** Rows computed (the nano-batch size). */
  m: number;
  n: number;
  k: number;
  /** First row of A and C to use (default 0). */
  rowOffset?: number;
  /** C = alpha·A·B^T + beta·C (defaults 1 and 0). */
  alpha?: number;
  beta?: number;
  /** A cuBLASLt algorithm from algorithms() for this shape; default: cuBLAS's heuristic picks. */
  algorithm?: string | undefined;
}

export type GemmAlgorithm = NativeGemmAlgorithm;

/** cublasLtMatmulAlgo_t's 64 bytes as hex. */
const ALGORITHM_PATTERN = /^[0-9a-f]{128}$/;

/** INT32_MAX: cuBLAS's dimensions are int. */
const MAX_DIMENSION = 2 ** 31 - 1;

export class Cublas extends GpuResource<NativeCublasHandle> {
  readonly kind = "Cublas";

  /** @internal */
  constructor(native: NativeCublasHandle, readonly gpu: Gpu) {
    super(native);
  }

  /** The SM count target cuBLAS reports (0: all of the GPU's SMs). */
  get smCountTarget(): number {
    return this.nativeFor("smCountTarget").smCountTarget;
  }

  set smCountTarget(smCount: number) {
    expectInteger(smCount, "the SM count target", 0, this.gpu.info.smCount);
    this.nativeFor("smCountTarget").setSmCountTarget(smCount);
  }

  /** Queues C[rowOffset.., :] = alpha · A[rowOffset.., :] · B^T + beta · C on args.stream. */
  gemm(args: GemmArguments): void {
    const { stream, a, b, c } = args;
    expectInstance(stream, Stream, "the GEMM stream");
    expectSameGpu(stream, this.gpu, "the GEMM stream");
    const m = expectInteger(args.m, "m (rows)", 1, MAX_DIMENSION);
    const n = expectInteger(args.n, "n (output features)", 1, MAX_DIMENSION);
    const k = expectInteger(args.k, "k (input features)", 1, MAX_DIMENSION);
    const rowOffset = expectInteger(args.rowOffset ?? 0, "rowOffset", 0);
    const alpha = expectFiniteNumber(args.alpha ?? 1, "alpha");
    const beta = expectFiniteNumber(args.beta ?? 0, "beta");
    checkOperand(a, ["bf16"], "A", this.gpu);
    checkOperand(b, ["bf16"], "B", this.gpu);
    checkOperand(c, ["bf16", "fp32"], "C", this.gpu);
    checkHolds(a, (rowOffset + m) * k, `A for rows ${rowOffset}..${rowOffset + m - 1} of ${k} features`);
    checkHolds(b, n * k, `B of [${n}, ${k}]`);
    checkHolds(c, (rowOffset + m) * n, `C for rows ${rowOffset}..${rowOffset + m - 1} of ${n} features`);
    const algorithm = args.algorithm;
    if (algorithm !== undefined && (typeof algorithm !== "string" || !ALGORITHM_PATTERN.test(algorithm))) {
      fail("128 lowercase hex digits (an algorithm from Cublas.algorithms())", "the GEMM algorithm", algorithm);
    }
    this.nativeFor("gemm()").gemm(
      stream.nativeFor("the GEMM stream"),
      a.nativeFor("A"), rowOffset * k * a.bytesPerElement,
      b.nativeFor("B"), 0,
      c.nativeFor("C"), rowOffset * n * c.bytesPerElement,
      m, n, k, k, k, n, c.dtype === "fp32", alpha, beta,
      ...(algorithm === undefined ? [] : [algorithm]),
    );
  }

  /**
   * The cuBLASLt algorithms gemm() can run for C[m,n] = A[m,k]·B[n,k]^T (packed rows) at this
   * handle's SM count target within its workspace: up to heuristicCount of cuBLASLt's own picks
   * first, then every other tile, stage count, swizzle and cluster shape it accepts.
   */
  algorithms(shape: { m: number; n: number; k: number; cFloat32?: boolean }, heuristicCount = 8): GemmAlgorithm[] {
    const m = expectInteger(shape.m, "m (rows)", 1, MAX_DIMENSION);
    const n = expectInteger(shape.n, "n (output features)", 1, MAX_DIMENSION);
    const k = expectInteger(shape.k, "k (input features)", 1, MAX_DIMENSION);
    const count = expectInteger(heuristicCount, "heuristicCount", 0, 64);
    return this.nativeFor("algorithms()").gemmAlgorithms(m, n, k, k, k, n, shape.cFloat32 === true, count);
  }
}

function checkOperand(array: unknown, dtypes: readonly DType[], role: string, gpu: Gpu): void {
  const operand = expectInstance(array, DeviceArray, role) as DeviceArray<DType>;
  if (!dtypes.includes(operand.dtype)) fail(dtypes.map((dtype) => `a ${dtype} DeviceArray`).join(" or "), role, operand);
  expectSameGpu(operand, gpu, role);
}

function checkHolds(array: DeviceArray<DType>, elements: number, what: string): void {
  if (array.length < elements) throw new RangeError(`Expected at least ${elements} elements in ${what} but received an array of ${array.length}`);
}
