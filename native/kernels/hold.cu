// Holds its SMs for a set time and does nothing else: what is left of a chain of these, beyond
// their set times, is what launching and ordering them costs (nanoweave profile's lane-switch
// section). Each block spins on the global nanosecond timer from its own start.
//
// ns: how long each block spins. sink int32 [1]: written only if the timer reads zero, which it
// never does, so the loop cannot be optimised away.
// Launch: grid = num_sms (one block per SM of the partition), block 128, no dynamic shared memory.

extern "C" __global__ void hold(long long ns, int* sink) {
  unsigned long long start;
  asm volatile("mov.u64 %0, %%globaltimer;" : "=l"(start));
  unsigned long long now = start;
  while ((long long)(now - start) < ns) asm volatile("mov.u64 %0, %%globaltimer;" : "=l"(now));
  if (now == 0) sink[0] = 1;
}
