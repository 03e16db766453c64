// Sets one 32-bit flag, which may be in another GPU's memory (peer access), after a system-wide
// fence, so a GPU that sees the flag also sees every write this stream's earlier work made: the
// copy-engine all-reduce's signal from one rank to another. Tried because the per-rank graphs with
// stream memory writes (cuStreamWriteValue32) hang on replay; such a write to a peer's memory did
// arrive from a graph in isolation (session 19, call 11), so the cause may lie elsewhere. Untested.
//
// Launch: grid 1, block 1.
extern "C" __global__ void write_flag(int* flag, int value) {
  __threadfence_system();
  asm volatile("st.release.sys.global.s32 [%0], %1;" : : "l"(flag), "r"(value) : "memory");
}
