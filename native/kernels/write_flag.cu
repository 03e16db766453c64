// Sets one 32-bit flag, which may be in another GPU's memory (peer access), after a system-wide
// fence, so a GPU that sees the flag also sees every write this stream's earlier work made: the
// copy-engine all-reduce's signal from one rank to another. A stream memory write
// (cuStreamWriteValue32) does the same eagerly, but inside a CUDA graph its write to a peer's
// memory never arrived (4 x H200, driver 580): a kernel's store does.
//
// Launch: grid 1, block 1.
extern "C" __global__ void write_flag(int* flag, int value) {
  __threadfence_system();
  asm volatile("st.release.sys.global.s32 [%0], %1;" : : "l"(flag), "r"(value) : "memory");
}
