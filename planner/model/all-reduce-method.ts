/**
 * How tensor-parallel GPUs sum the residual: NCCL's kernels, or nanoweave's peer kernel
 * (native/kernels/peer_sum.cu), which reads and writes the other GPUs' memory directly. A profile
 * measures each apart, a plan is made for one, and the runtime runs the one its plan was made for.
 */
export const ALL_REDUCE_METHODS = ["nccl", "peer"] as const;
export type AllReduceMethod = (typeof ALL_REDUCE_METHODS)[number];
