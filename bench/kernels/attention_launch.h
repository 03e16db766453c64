// How decode_attention.cu is launched, mirrored from its header comment: a block of
// warps_per_block warps, blocks_per_sm blocks per SM of the partition, and dynamic shared memory of
// staged_bytes plus the rows' tile prefix. Overridable to study variants.
#pragma once

struct AttentionLaunch {
  int warps_per_block = 12;
  int blocks_per_sm = 1;
  int staged_bytes = 196800;  // the stages and their mbarriers

  int grid(int sms) const { return blocks_per_sm * sms; }
  unsigned shared_bytes(int rows) const { return unsigned(staged_bytes + (rows + 1) * 4); }
};
