/** Element types of device arrays, and their host-side typed arrays. */

export type DType = "bf16" | "fp32" | "int32";

export const DTYPES: readonly DType[] = ["bf16", "fp32", "int32"];

export function bytesPerElement(dtype: DType): 2 | 4 {
  return dtype === "bf16" ? 2 : 4;
}
