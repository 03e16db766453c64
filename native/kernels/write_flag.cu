// Sets one 32-bit flag, which may be in another GPU's memory (peer access), after a system-wide
// fence, so a GPU that sees the flag also sees every write this stream's earlier work made: one
// rank's signal to another in the peer all-reduce's barriers (runtime/engine/peerAllReduce.ts).
//
// Launch: grid 1, block 1.
extern "C" __global__ void write_flag(int* flag, int value) {
  __threadfence_system();
  asm volatile("st.release.sys.global.s32 [%0], %1;" : : "l"(flag), "r"(value) : "memory");
}
