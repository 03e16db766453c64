// How decode_attention.cu is launched, mirrored from its header comment: a block of
// warps_per_block warps, blocks_per_sm blocks per SM of the partition, and dynamic shared memory of
// staged_bytes plus the rows' tile prefix and lengths. Overridable to study variants.
#pragma once

struct AttentionLaunch {
  int warps_per_block = 4;
  int blocks_per_sm = 2;
  int staged_bytes = 98304;

  int grid(int sms) const { return blocks_per_sm * sms; }
  unsigned shared_bytes(int rows) const { return unsigned(staged_bytes + (2 * rows + 1) * 4); }
};
